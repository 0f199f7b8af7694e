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
        let registered = try work.query("""
            WITH saved AS (
                INSERT INTO intake.products (customer_id, model, serial, delivered_on)
                SELECT DISTINCT ON (customer_id, coalesce(model, ''), coalesce(serial, '')) *
                FROM unnest($1::uuid[], $2::text[], $3::text[], $4::date[]) AS p(customer_id, model, serial, delivered_on)
                ON CONFLICT (customer_id, coalesce(model, ''), coalesce(serial, ''))
                DO UPDATE SET delivered_on = coalesce(products.delivered_on, excluded.delivered_on)
                RETURNING customer_id, model, serial, delivered_on
            )
            SELECT s.customer_id::text AS customer_id, c.tier, s.model, s.serial, s.delivered_on::text AS delivered_on
            FROM saved s JOIN intake.customers c ON c.id = s.customer_id WHERE s.delivered_on IS NOT NULL
            """, [named.map(\.customerID), PostgresNullableArray(named.map(\.product.model)),
                  PostgresNullableArray(named.map(\.product.serial)), PostgresNullableArray(named.map(\.product.deliveredOn))])
        // Survey schedules inspections and revisits from delivery dates; a repeat changes nothing there.
        for row in registered {
            let product = ProductRegistered(
                customerID: try row.require("customer_id"), tier: Submission.Tier(rawValue: try row.require("tier")) ?? .standard,
                model: try row.decode("model"), serial: try row.decode("serial"), deliveredOn: try row.require("delivered_on"))
            try work.send(product, id: "product:\(product.customerID):\(product.model ?? ""):\(product.serial ?? ""):\(product.deliveredOn)")
        }
    }
}
