//! `--state-file`: where a test keeps one, and the config that uses it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use engagement_sim::Config;

use super::fresh_token;

/// `state.json` in a new temporary folder of its own, named after `prefix`.
pub fn state_path(prefix: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{prefix}-{}", fresh_token("st")));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("state.json")
}

/// An ephemeral config that restores from and saves to `path`, every `interval`.
pub fn state_config(path: &Path, interval: Duration) -> Config {
    Config {
        state_file: Some(path.to_owned()),
        state_interval: interval,
        ..Config::ephemeral()
    }
}
