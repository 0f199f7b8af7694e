import Foundation
public import KefuContracts

extension Rule {
    static let plainFields: Set<String> = ["text", "subject", "body", "channel", "customer_tier", "product_model"]
    static let textFields: Set<String> = ["text", "subject", "body"]

    /// Everything wrong with this rule, against the categories it may name.
    public func problems(categories: [String: Category]) -> [FieldError] {
        var errors: [FieldError] = []
        if name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || name.count > 200 {
            errors.append(FieldError(field: "/name", message: "must be 1 to 200 characters"))
        }
        if !(0...1_000_000).contains(position) {
            errors.append(FieldError(field: "/position", message: "must be from 0 to 1000000"))
        }
        if when.isEmpty { errors.append(FieldError(field: "/when", message: "needs at least one condition")) }
        for (index, condition) in when.enumerated() {
            errors += condition.problems(at: "/when/\(index)")
        }
        if then == Action() || then == Action(overrideCategory: false) {
            errors.append(FieldError(field: "/then", message: "does nothing; set category, priority, raise_priority, complaint or sla_class"))
        }
        if let category = then.category, categories[category].map({ $0.retired }) ?? true {
            errors.append(FieldError(field: "/then/category", message: "is not a category of the taxonomy"))
        }
        if then.overrideCategory == true && then.category == nil {
            errors.append(FieldError(field: "/then/override_category", message: "needs a category to override with"))
        }
        if let raise = then.raisePriority, !(1...3).contains(raise) {
            errors.append(FieldError(field: "/then/raise_priority", message: "must be 1, 2 or 3"))
        }
        if let slaClass = then.slaClass, slaClass.isEmpty || slaClass.count > 64 {
            errors.append(FieldError(field: "/then/sla_class", message: "must be 1 to 64 characters"))
        }
        return errors
    }
}

extension Rule.Condition {
    var isMetadata: Bool { field.hasPrefix("metadata.") && field.count > "metadata.".count }

    func problems(at path: String) -> [FieldError] {
        var errors: [FieldError] = []
        if !Rule.plainFields.contains(field) && !isMetadata {
            errors.append(FieldError(field: "\(path)/field", message:
                "must be text, subject, body, channel, customer_tier, product_model or metadata.<key>"))
        } else if match != .equals && !Rule.textFields.contains(field) && !isMetadata {
            errors.append(FieldError(field: "\(path)/match", message: "\(match.rawValue) works on text fields; use equals for \(field)"))
        }
        if values.isEmpty || values.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            errors.append(FieldError(field: "\(path)/values", message: "needs at least one value, none of them blank"))
        }
        if match == .regex {
            for (index, pattern) in values.enumerated() where (try? NSRegularExpression(pattern: pattern)) == nil {
                errors.append(FieldError(field: "\(path)/values/\(index)", message: "is not a valid regular expression"))
            }
        }
        return errors
    }
}
