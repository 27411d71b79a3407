extension GateFileSystem {
    /// What the secret scans found so far (after `init`: the mount-time scan).
    public var secretScanCounts: SecretScanCounts { secrets.counts }
}
