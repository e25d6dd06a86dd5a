/// The tool's name and version, stamped on every result.
public enum CallQCVersion {
    public static let name = "callqc"
    public static let version = "0.1.0"
}
