import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage

/// Keeps notification's copy of customer contacts in step with intake's archive: changes made
/// there replace the copy, and an erasure removes it and blanks the addresses in the log.
struct CustomerCopyHandler: MessageHandler {
    func handle(_ delivery: Delivery, in work: UnitOfWork) throws {
        switch delivery.type ?? delivery.routingKey {
        case CustomerUpdated.messageType:
            let customer = try delivery.decode(CustomerUpdated.self).customer
            let preferences = try customer.preferences.map { String(decoding: try KefuJSON.encode($0), as: UTF8.self) }
            try work.query("""
                INSERT INTO notification.contacts (customer_id, name, phone, email, preferences) VALUES ($1, $2, $3, $4, $5::jsonb)
                ON CONFLICT (customer_id) DO UPDATE SET name = excluded.name, phone = excluded.phone,
                    email = excluded.email, preferences = coalesce(excluded.preferences, contacts.preferences), updated_at = now()
                """, [customer.id, customer.name, customer.phone, customer.email, preferences])
        case CustomerErased.messageType:
            let erased = try delivery.decode(CustomerErased.self)
            // What was sent to them named them: the log keeps that something went, not what.
            try work.query("""
                UPDATE notification.deliveries SET recipient = '[erased]', subject = NULL, body = NULL, html = NULL
                WHERE audience = 'customer'
                  AND (recipient IN (SELECT unnest(ARRAY[phone, email]) FROM notification.contacts WHERE customer_id = $1)
                       OR ticket_number IN (SELECT number FROM notification.tickets WHERE customer_id = $1))
                """, [erased.customerID])
            try work.query("UPDATE notification.tickets SET subject = NULL WHERE customer_id = $1", [erased.customerID])
            try work.query("DELETE FROM notification.contacts WHERE customer_id = $1", [erased.customerID])
            try ParkedMessages.forget(customerID: erased.customerID, in: work)
        case let other:
            throw PermanentFailure("notification.customers does not handle \(other) messages")
        }
    }
}
