package render

import (
	htmltemplate "html/template"
	"strings"
)

// page is the HTML part around the rendered body: what a person's own mail
// program would send. No stylesheet, no classes, no remote images or
// fonts, nothing that loads when the note is opened; one inline style for a
// readable line length.
var page = htmltemplate.Must(htmltemplate.New("page").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
</head>
<body>
<div style="max-width: 40em; line-height: 1.5;">
{{.Body}}</div>
</body>
</html>
`))

// document wraps the body, which goldmark rendered with every value
// escaped, in page.
func document(lang, title, body string) (string, error) {
	var b strings.Builder
	err := page.Execute(&b, struct {
		Lang, Title string
		Body        htmltemplate.HTML
	}{lang, title, htmltemplate.HTML(body)}) // #nosec: goldmark output, values escaped by fill
	return b.String(), err
}
