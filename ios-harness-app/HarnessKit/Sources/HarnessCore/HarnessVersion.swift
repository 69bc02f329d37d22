// The harness app's version, reported in ready.device.appVersion.
public enum HarnessVersion {
    public static let app = "0.1.0"
}
