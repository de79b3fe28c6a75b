package inbox

import "testing"

func TestAbsenceNoteWithoutHeaders(t *testing.T) {
	tests := []struct {
		story string
		text  string
		want  bool
	}{
		// Stock absence notes: auto-replies whatever the subject says.
		{"English formula with the front desk's number", "I am currently out of the office until Monday, November 30, with limited access to email. " +
			"For urgent matters, please contact our front desk at (555) 010-2200.\n\nThank you,\nDr. Karen Holt\nMaple Grove Family Medicine", true},
		{"thanks first, then away from the office", "Thank you for your email. I'm away from the office until December 7 and will respond when I return.\n\nBest regards,\nPastor Tim Reyes", true},
		{"greeting and formula on one line", "Hello, I am out of the office this week. I will reply when I'm back.", true},
		{"on maternity leave, message not forwarded", "Hi,\nI'm on maternity leave until March. Your message will not be forwarded. Please contact Janet Cole at jcole@elmpeds.example.\nJanet Moore, RN", true},
		{"German: Ich bin bis … nicht im Büro", "Sehr geehrte Damen und Herren,\n\nich bin bis zum 4. Dezember nicht im Büro und habe keinen Zugriff auf meine E-Mails. " +
			"In dringenden Fällen wenden Sie sich bitte an Frau Keller.\n\nMit freundlichen Grüßen\nDr. med. Jonas Albrecht", true},
		{"French: Je suis absente", "Bonjour,\nJe suis absente du cabinet jusqu'au 2 décembre inclus. Je répondrai à votre message dès mon retour.\nCordialement,\nSophie Martin", true},
		{"French: Je suis absent(e)", "Je suis absent(e) jusqu'au 2 décembre. En cas d'urgence, veuillez contacter le secrétariat.", true},
		{"Spanish: Estoy fuera de la oficina", "Estoy fuera de la oficina hasta el 1 de diciembre. Para asuntos urgentes, comuníquese con recepción.\nSaludos,\nAna Torres", true},

		// People who answer and mention being away: replies.
		{"the brief's example", "Thanks for your note! I'm out until Monday but would love to talk then — call me Tuesday?", false},
		{"away, then a real answer", "I'm out of the office until December 1, but I wanted to answer quickly: yes, we'd be glad to have your cards at the front desk.", false},
		{"away, then a question", "I am out of the office this week. Could you send me your brochure?", false},
		{"away, then a sentence of their own", "I am out of the office until Friday. My partner Dr. Lee sees most of the adolescents in our practice and knows your work.", false},
		{"German: away but glad", "Ich bin bis Freitag nicht im Büro, freue mich aber sehr über Ihre Nachricht.", false},
		{"French: away but would meet", "Je suis absente cette semaine mais je serais heureuse de vous rencontrer ensuite.", false},
		{"Spanish: away but would meet", "Estoy fuera de la oficina hasta el lunes, pero me encantaría reunirnos después.", false},
		{"a plain reply is not an absence note", "Thanks Dana, we'd love to have you visit. Tuesday works.", false},
		{"the formula in the middle is not an opening", "Great to hear from you. I am out of the office next week though.", false},
	}
	for _, tt := range tests {
		t.Run(tt.story, func(t *testing.T) {
			if _, got := absenceNote(tt.text, forMatching(tt.text)); got != tt.want {
				t.Errorf("absenceNote = %v, want %v for\n%s", got, tt.want, tt.text)
			}
		})
	}
}
