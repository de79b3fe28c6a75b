// Package report computes `rapport report` from the store's data: the
// pipeline by stage; per campaign and step what went out and what came of
// it; the referrals by source, kind, campaign and month; which campaigns
// won new referral sources; and who is due for a keep-in-touch note or
// visit. It also writes the report as an .xlsx workbook, one sheet per
// section.
//
// Build is pure: it takes the data (store.ReportData and the keep-in-touch
// list) and a period, and never reads the clock or the database itself.
// It imports contact, store (for the data types) and sheet (formula
// escaping); never cli, daemon, dispatch or the mail packages.
package report
