//! Loading scenario documents (and the stubs in them) into a running simulator, from files, a
//! `--stubs` folder or the admin API, and `--watch`: files are polled for changes; a changed file
//! that checks is reloaded, a broken one is reported and the last good version stays active.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::scenario::LoadError;
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
    load_document(state, doc, file.clone(), text.len()).map_err(|e| format!("{file}: {e}"))?;
    Ok(name)
}

/// Loads a checked document of `size` bytes: its stubs (replacing the stubs the same name loaded
/// before), then its rules. Stubs that clash with another document's refuse the whole load.
pub fn load_document(
    state: &AppState,
    doc: crate::scenario::model::Document,
    source: String,
    size: usize,
) -> Result<(), LoadError> {
    let stubs =
        crate::stub::table::compile_all(&doc.stubs, state.vendors()).map_err(LoadError::Invalid)?;
    let name = doc.name.clone();
    state.stubs.load(&name, stubs).map_err(LoadError::Invalid)?;
    state
        .scenarios
        .load(doc, source, size, state.vendors())
        .inspect_err(|_| state.stubs.unload(Some(&name)))
}

/// Loads every `.yaml`, `.yml` and `.json` file of `dir` (`--stubs DIR`), in name order.
pub fn load_dir(state: &AppState, dir: &Path) -> Result<Vec<String>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("--stubs {}: cannot read: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
        })
        .collect();
    files.sort();
    files.iter().map(|f| load_file(state, f)).collect()
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
