// An error with a one-line message, for what the app's own code refuses.
struct HarnessAppError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
