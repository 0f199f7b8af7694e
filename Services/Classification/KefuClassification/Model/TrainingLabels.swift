import KefuContracts

/// What the labels of uploaded examples mean for the taxonomy. Every label is a category: one
/// the taxonomy lacks becomes a new category (a subcategory when its parent exists), with the
/// priority and SLA class of `other`; one that cannot be a category id, or names a retired
/// category, refuses the upload, naming its line. `out_of_scope` is no category: its examples
/// teach the model what none of them looks like.
enum TrainingLabels {
    static func newCategories(for examples: [(line: Int, example: TextModel.Example)],
                              in taxonomy: [String: Category]) -> (categories: [Category], errors: [FieldError]) {
        let fallback = taxonomy[Category.fallbackID]
        var added: [String: Category] = [:]
        var errors: [FieldError] = []
        for (line, example) in examples {
            let label = example.label
            if label == TextModel.outOfScopeLabel { continue }
            if let known = taxonomy[label] ?? added[label] {
                if known.retired { errors.append(FieldError(field: "/lines/\(line)/label", message: "is a retired category")) }
                continue
            }
            let parts = label.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            let parent = parts.count == 2 ? parts[0] : nil
            guard label.wholeMatch(of: /[a-z0-9_]{1,40}(\.[a-z0-9_]{1,40})?/) != nil,
                  parent.map({ taxonomy[$0].map { !$0.retired && $0.parent == nil } ?? false }) ?? true else {
                errors.append(FieldError(field: "/lines/\(line)/label",
                                         message: "is not in the taxonomy and cannot become a category: ids are lower-case letters, digits and _, with one dot after an existing top-level category"))
                continue
            }
            added[label] = Category(id: label, parent: parent, names: ["en": label, "zh-CN": label],
                                    defaultPriority: fallback?.defaultPriority ?? .p3, slaClass: fallback?.slaClass ?? "standard")
        }
        return (added.values.sorted { $0.id < $1.id }, errors)
    }
}
