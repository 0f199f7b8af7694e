import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

extension CustomerStore {
    /// Registers the products submissions name against their customers; a product seen again
    /// keeps its row and gains a delivery date if it had none.
    static func registerProducts(_ products: [(customerID: UUID, product: Submission.Product)], in work: UnitOfWork) throws {
        let named = products.filter { $0.product.model != nil || $0.product.serial != nil }
        guard !named.isEmpty else { return }
        try work.query("""
            INSERT INTO intake.products (customer_id, model, serial, delivered_on)
            SELECT DISTINCT ON (customer_id, coalesce(model, ''), coalesce(serial, '')) *
            FROM unnest($1::uuid[], $2::text[], $3::text[], $4::date[]) AS p(customer_id, model, serial, delivered_on)
            ON CONFLICT (customer_id, coalesce(model, ''), coalesce(serial, ''))
            DO UPDATE SET delivered_on = coalesce(products.delivered_on, excluded.delivered_on)
            """, [named.map(\.customerID), PostgresNullableArray(named.map(\.product.model)),
                  PostgresNullableArray(named.map(\.product.serial)), PostgresNullableArray(named.map(\.product.deliveredOn))])
    }
}
