//! `--state-file`: the vendors' state saved atomically (temporary file, fsync, rename, fsync of the
//! directory) at an interval and on shutdown, and restored at start. The file carries a format name
//! and version; one that cannot be read stops the start with a message naming it, and is never
//! silently replaced.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::state::AppState;

const FORMAT: &str = "engagement-sim/state";
const VERSION: u64 = 1;

/// A state file as read at start, before the vendors are built: the epoch they are built in depends
/// on how the process that wrote it stopped.
pub struct SavedState {
    /// The epoch the file was written in.
    pub epoch: u64,
    /// Whether it was written by a clean shutdown (nothing was issued after it).
    pub clean: bool,
    vendors: Map<String, Value>,
}

impl SavedState {
    /// The epoch to run in after restoring this file: the same after a clean shutdown, the next
    /// one after a kill, so ids issued after the last save are not issued again.
    pub fn next_epoch(&self) -> u64 {
        if self.clean {
            self.epoch
        } else {
            self.epoch + 1
        }
    }
}

/// Reads the state file at `path`; a missing file is a fresh start (`None`). Temporary files that a
/// killed process left half-written beside it are removed; the state file itself never is.
pub fn read(path: &Path) -> Result<Option<SavedState>, String> {
    remove_leftovers(path);
    let text = match std::fs::read(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("state file {}: cannot read: {e}", path.display())),
    };
    let fail = |what: String| refused(path, &what);
    let mut doc: Value =
        serde_json::from_slice(&text).map_err(|e| fail(format!("not a state file ({e})")))?;
    if doc["format"] != FORMAT {
        return Err(fail(format!(
            "not an engagement-sim state file (format is {})",
            doc["format"]
        )));
    }
    if doc["version"].as_u64() != Some(VERSION) {
        return Err(fail(format!(
            "format version {} is not the supported version {VERSION}",
            doc["version"]
        )));
    }
    let epoch = match &doc["epoch"] {
        Value::Null => 0,
        e => e
            .as_u64()
            // This epoch and the next (after a kill) must each have a whole id range below
            // u64::MAX, or numbering would wrap onto existing records.
            .filter(|e| {
                e.checked_add(2)
                    .and_then(|n| n.checked_mul(crate::store::NUMBERS_PER_EPOCH))
                    .is_some()
            })
            .ok_or_else(|| {
                fail(format!(
                    "its 'epoch' {e} is not a count whose id range ({} numbers per epoch) fits in 64 bits",
                    crate::store::NUMBERS_PER_EPOCH
                ))
            })?,
    };
    let clean = match &doc["clean"] {
        Value::Null => false,
        c => c
            .as_bool()
            .ok_or_else(|| fail(format!("its 'clean' {c} is not true or false")))?,
    };
    let Value::Object(vendors) = doc["vendors"].take() else {
        return Err(fail("it has no 'vendors' object".into()));
    };
    Ok(Some(SavedState {
        epoch,
        clean,
        vendors,
    }))
}

/// Gives each vendor its part of `saved`; `path` names the file in messages.
pub fn restore(state: &AppState, saved: SavedState, path: &Path) -> Result<(), String> {
    let fail = |what: String| refused(path, &what);
    for (name, snapshot) in saved.vendors {
        let vendor = state
            .vendor(&name)
            .ok_or_else(|| fail(format!("it names an unknown vendor '{name}'")))?;
        vendor
            .store()
            .restore(snapshot)
            .map_err(|e| fail(format!("{name}: {e}")))?;
    }
    Ok(())
}

/// Why the state file at `path` stops the start.
fn refused(path: &Path, what: &str) -> String {
    format!(
        "state file {}: {what}; move it away or fix it to start",
        path.display()
    )
}

fn temp_prefix(path: &Path) -> String {
    format!(
        ".{}.tmp-",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("state")
    )
}

fn remove_leftovers(path: &Path) {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let prefix = temp_prefix(path);
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Writes every vendor's snapshot to `path` atomically. `clean` marks the save of a shutdown, after
/// which nothing more is issued; every other save may be followed by ids a kill would lose.
pub fn save(state: &AppState, path: &Path, clean: bool) -> std::io::Result<()> {
    let mut vendors = Map::new();
    for v in state.vendors() {
        let snap = v.store().snapshot();
        if !snap.is_null() {
            vendors.insert(v.name().to_owned(), snap);
        }
    }
    let doc = json!({ "format": FORMAT, "version": VERSION, "epoch": state.epoch, "clean": clean, "saved_at": crate::clock::rfc3339(state.clock.now()), "vendors": vendors });
    let bytes = serde_json::to_vec(&doc).map_err(std::io::Error::other)?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("state"),
        std::process::id()
    ));
    {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // The file holds tenants' credentials.
            let _ = file.set_permissions(std::fs::Permissions::from_mode(0o600));
        }
        file.write_all(&bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Saves every `interval` until the process stops.
pub async fn save_periodically(state: Arc<AppState>, path: PathBuf) {
    let mut ticker = tokio::time::interval(state.config.state_interval);
    ticker.tick().await;
    loop {
        ticker.tick().await;
        let (state, path) = (state.clone(), path.clone());
        let result = tokio::task::spawn_blocking(move || save(&state, &path, false)).await;
        if let Ok(Err(e)) = result {
            tracing::error!("saving the state file failed: {e}");
        }
    }
}
