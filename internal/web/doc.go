// Package web is rapport's local dashboard: the pipeline as a board, each
// contact's whole story, campaigns with their plan, the outbox to decide,
// and the report, as server-rendered pages with every asset embedded. It
// asks nothing of any other host, reads without JavaScript, and uses a
// little of it only to drag a card between stages (the drag submits the
// same form a person can submit by hand).
//
// Every change is a POST that goes through the same use cases as the
// command line (package app), so a stage moved on the board is recorded
// exactly as `rapport contacts stage` records it. The dashboard is private
// to this computer: a key made at first start logs the user in once, a
// cookie keeps the session, the Host header must name the dashboard
// (against DNS rebinding), cross-origin POSTs are refused, and the pages
// forbid framing and inline script.
//
// web imports app and the packages below it, never cli or daemon.
package web
