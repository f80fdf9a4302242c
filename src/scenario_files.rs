//! Loading scenario files into a running simulator, and `--watch`: files are polled for changes; a changed file that checks
//! is reloaded, a broken one is reported and the last good version stays active.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::state::AppState;

const POLL_EVERY: Duration = Duration::from_millis(300);

/// Reads, checks and loads one file; answers the scenario's name or the rendered problems.
/// Blocking: `watch` calls it off the async workers.
pub fn load_file(state: &AppState, path: &Path) -> Result<String, String> {
    let text = read_bounded(path, state.config.max_scenario_bytes)?;
    let file = path.display().to_string();
    let doc =
        crate::scenario::parse::parse(&file, &text, state.vendors()).map_err(|p| p.render())?;
    let name = doc.name.clone();
    state
        .scenarios
        .load(doc, file.clone(), text.len(), state.vendors())
        .map_err(|e| format!("{file}: {e}"))?;
    Ok(name)
}

/// A regular file's text, refused past `limit` bytes. A FIFO would block the reader until someone
/// writes to it and a device such as `/dev/zero` never ends, so anything else is refused before it
/// is opened.
fn read_bounded(path: &Path, limit: usize) -> Result<String, String> {
    let fail = |what: String| format!("{}: {what}", path.display());
    let meta = std::fs::metadata(path).map_err(|e| fail(format!("cannot read: {e}")))?;
    if !meta.is_file() {
        return Err(fail(
            "not a regular file (a FIFO, device or folder); refused".into(),
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| fail(format!("cannot read: {e}")))?;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(format!("cannot read: {e}")))?;
    if bytes.len() > limit {
        return Err(fail(format!(
            "over --max-scenario-bytes ({limit} bytes); refused"
        )));
    }
    String::from_utf8(bytes).map_err(|_| fail("not UTF-8 text".into()))
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Polls `files` until the process ends, reloading each one that changes.
pub async fn watch(state: Arc<AppState>, files: Vec<PathBuf>) {
    let mut seen: Vec<Option<SystemTime>> = files.iter().map(|f| modified(f)).collect();
    loop {
        tokio::time::sleep(POLL_EVERY).await;
        for (i, file) in files.iter().enumerate() {
            let now = modified(file);
            if now == seen[i] {
                continue;
            }
            seen[i] = now;
            // Reading and checking block: on the blocking pool, never an async worker.
            let (loading, path) = (state.clone(), file.clone());
            let loaded = tokio::task::spawn_blocking(move || load_file(&loading, &path))
                .await
                .unwrap_or_else(|e| Err(format!("loading failed: {e}")));
            match loaded {
                Ok(name) => tracing::info!("reloaded scenario '{name}' from {}", file.display()),
                Err(problems) => tracing::error!(
                    "{} is broken; the last good version stays active:\n{problems}",
                    file.display()
                ),
            }
        }
    }
}
