import KefuContracts

extension DispatchSettings {
    /// Everything wrong with these settings, by field.
    func problems() -> [FieldError] {
        var errors: [FieldError] = []
        if !(1...7 * 86_400).contains(acceptTimeoutSeconds) {
            errors.append(FieldError(field: "/accept_timeout_seconds", message: "must be 1 second to 7 days"))
        }
        if !(warningShare > 0 && warningShare < 1) {
            errors.append(FieldError(field: "/warning_share", message: "must be between 0 and 1"))
        }
        return errors
    }
}
