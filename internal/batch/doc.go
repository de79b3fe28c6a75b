// Package batch prints letters for contacts: it renders each contact's
// letter template (render.RenderLetter), lays the letter out with its
// envelope and its label, all or none (letters), and writes the PDFs so
// that none is ever seen half-written. `rapport letters` prints with it on
// demand, and dispatch the print batches of campaigns' letter steps.
//
// It owns no schedule and no record: who gets a letter, and what is
// journaled, is the caller's business. It imports render, letters and
// contact; never store, dispatch or cli.
package batch
