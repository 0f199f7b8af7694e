import Foundation
public import KefuContracts

extension Category {
    /// Everything wrong with this category, against the rest of the taxonomy.
    public func problems(in categories: [String: Category]) -> [FieldError] {
        var errors: [FieldError] = []
        if id.wholeMatch(of: /[a-z0-9_]{1,40}(\.[a-z0-9_]{1,40})?/) == nil {
            errors.append(FieldError(field: "/id", message: "must be lower-case letters, digits and _, with one dot for a subcategory"))
        }
        if (names["en"] ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            errors.append(FieldError(field: "/names/en", message: "is required"))
        }
        if slaClass.isEmpty || slaClass.count > 64 {
            errors.append(FieldError(field: "/sla_class", message: "must be 1 to 64 characters"))
        }
        if let parent {
            if categories[parent].map({ $0.retired || $0.parent != nil }) ?? true {
                errors.append(FieldError(field: "/parent", message: "must be a top-level category of the taxonomy"))
            } else if !id.hasPrefix(parent + ".") {
                errors.append(FieldError(field: "/id", message: "of a subcategory must start with its parent's id and a dot"))
            }
        } else if id.contains(".") {
            errors.append(FieldError(field: "/parent", message: "is required for an id with a dot"))
        }
        return errors
    }
}
