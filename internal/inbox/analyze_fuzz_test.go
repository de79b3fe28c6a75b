package inbox

import (
	"reflect"
	"strings"
	"testing"
)

// FuzzAnalyze feeds the classifier whatever the mailbox might hold. It must
// never panic, and no string it returns may carry CR, LF or NUL: those end
// up in logs, the store and the dashboard.
func FuzzAnalyze(f *testing.F) {
	for _, path := range corpusFiles(f) {
		f.Add(readCorpus(f, path))
	}
	f.Add([]byte("From: a@b\n\n"))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=x\n\n--x\n--x--"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		if a, err := Analyze(raw); err == nil {
			assertClean(t, reflect.ValueOf(a), "Analysis")
		}
		head, _ := splitMessage(raw)
		if a, err := AnalyzeHeader(head); err == nil {
			assertClean(t, reflect.ValueOf(a), "header Analysis")
		}
	})
}

// assertClean walks every string in v, through pointers, slices and structs.
func assertClean(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		if s := v.String(); strings.ContainsAny(s, "\r\n\x00") {
			t.Fatalf("%s = %q holds CR, LF or NUL", path, s)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			assertClean(t, v.Elem(), path)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			assertClean(t, v.Index(i), path+"[]")
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				assertClean(t, v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		}
	}
}
