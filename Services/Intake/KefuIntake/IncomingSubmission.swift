import KefuContracts

/// A validated submission with what intake needs to thread it: the ids and ticket numbers that
/// tie it to an earlier ticket, and for mail the raw message, kept with the ticket.
struct IncomingSubmission: Sendable {
    var submission: Submission
    /// Who sent it; submission ids are unique per integrator.
    var integrator: String
    /// The sender's own message id (mail), which later replies will name.
    var messageID: String?
    /// Ids the message answers (In-Reply-To, then References, newest first).
    var referencedMessageIDs: [String] = []
    /// Ticket numbers written in brackets in the subject, e.g. `[KF-20261123-000042]`.
    var subjectTicketNumbers: [String] = []
    var rawMail: [UInt8]?

    init(_ submission: Submission, integrator: String) {
        self.submission = submission
        self.integrator = integrator
    }

    /// The idempotency key: the submission id within its integrator's namespace.
    var key: SubmissionKey { SubmissionKey(integrator: integrator, submissionID: submission.submissionID) }
}

struct SubmissionKey: Hashable, Sendable {
    let integrator: String
    let submissionID: String
}
