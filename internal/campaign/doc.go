// Package campaign reads campaign files (campaigns/NAME.toml: an audience, a
// cron schedule and steps) and plans them: Plan says, for every contact of
// the audience, which step is due now, or why not. It is pure logic over a
// clock and facts gathered by the caller; it sends nothing and reads no
// database.
//
// It imports contact, invite (an invite step's event), schedule and
// tomlfile; never store, mailer, inbox, cli or daemon.
package campaign
