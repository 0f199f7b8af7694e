import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Refused submissions are kept, never dropped.
extension TicketStore {
    /// Keeps a refused submission with its reasons and tells monitoring tools, without its content.
    /// Keeps a refused submission with its reasons. A redelivery of one already kept (the broker
    /// gave it again after a crash before the ack) is answered again but not stored twice.
    static func reject(raw: [UInt8], contentType: String?, source: String, integrator: String, errors: [FieldError],
                       redelivered: Bool = false, in work: UnitOfWork) throws {
        // Whatever the sender put in these, the refusal itself must be storable.
        func storable(_ text: String?) -> String? {
            text.map { String($0.replacingNUL().prefix(200)) }
        }
        let submissionID = storable(submissionID(in: raw))
        let contentType = storable(contentType)
        let source = storable(source) ?? "unknown"
        let integrator = storable(integrator) ?? "unknown"
        let kept = try work.query("""
            INSERT INTO intake.rejected_submissions (submission_id, source, content_type, raw, reasons, integrator)
            SELECT $1, $2, $3, $4, $5::jsonb, $6
            WHERE NOT $7 OR NOT EXISTS (
                SELECT 1 FROM intake.rejected_submissions
                WHERE integrator = $6 AND received_at > now() - interval '1 day' AND raw = $4)
            """, [submissionID, source, contentType, Data(raw), String(decoding: try KefuJSON.encode(errors), as: UTF8.self),
                  integrator, redelivered]).affectedRows == 1
        guard kept else { return }
        try work.emit(.submissionRejected, subject: submissionID,
                      data: StatusEventData(status: "rejected", reasons: errors))
    }

    /// The submission id of a refused submission, when it can be read at all.
    private static func submissionID(in raw: [UInt8]) -> String? {
        guard case .object(let object)? = try? KefuJSON.decode(JSONValue.self, from: raw),
              case .string(let id)? = object["submission_id"], id.utf8.count <= 200 else { return nil }
        return id
    }
}
