// Number formatting and rounding exactly as JavaScript does them, so both sides of the
// protocol and the shared test tables agree bit for bit.

/// ECMAScript Number::toString for finite values (JSON.stringify writes -0 as "0"). The
/// shortest round-trip digits come from Swift's own `description` (also shortest and
/// closest); only the layout is JavaScript's.
public func jsNumber(_ d: Double) -> String {
    precondition(d.isFinite, "JSON has no NaN or infinity")
    if d == 0 { return "0" }
    var s = "\(d.magnitude)"
    var exp10 = 0
    if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        exp10 = Int(s[s.index(after: e)...])!
        s = String(s[..<e])
    }
    let parts = s.split(separator: ".", omittingEmptySubsequences: false)
    let intPart = String(parts[0])
    var digits = Array(intPart + (parts.count > 1 ? String(parts[1]) : ""))
    var n = intPart.count + exp10 // value = 0.d1d2… × 10^n
    while digits.first == "0" { digits.removeFirst(); n -= 1 }
    while digits.last == "0" { digits.removeLast() }
    let k = digits.count
    let sign = d < 0 ? "-" : ""
    let ds = String(digits)
    if k <= n && n <= 21 { return sign + ds + String(repeating: "0", count: n - k) }
    if 0 < n && n <= 21 { return sign + String(digits[0..<n]) + "." + String(digits[n...]) }
    if -6 < n && n <= 0 { return sign + "0." + String(repeating: "0", count: -n) + ds }
    let e = n - 1
    let mantissa = k == 1 ? ds : String(digits[0]) + "." + String(digits[1...])
    return sign + mantissa + "e" + (e >= 0 ? "+" : "-") + String(e.magnitude)
}

/// JavaScript's Math.round: the nearest integer, ties toward +∞ (Swift's `.rounded()` sends
/// ties away from zero, which differs for negative halves). Exact for |x| < 2^52.
public func jsRound(_ x: Double) -> Double {
    let f = x.rounded(.down)
    return x - f >= 0.5 ? f + 1 : f
}
