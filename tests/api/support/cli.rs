//! Running the real `engagement-sim` binary, as a user types its commands.

use std::ffi::OsStr;

/// Runs the binary with `args`, asserts it succeeded, and answers what it printed on stdout.
pub fn cli_ok<S: AsRef<OsStr>>(args: impl IntoIterator<Item = S>) -> Vec<u8> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_engagement-sim"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
