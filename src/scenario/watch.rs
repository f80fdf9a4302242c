//! Loading scenario files, and `--watch`: files are polled for changes; a changed file that checks
//! is reloaded, a broken one is reported and the last good version stays active.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::state::AppState;

const POLL_EVERY: Duration = Duration::from_millis(300);

/// Reads, checks and loads one file; answers the scenario's name or the rendered problems.
pub fn load_file(state: &AppState, path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let file = path.display().to_string();
    let doc = super::parse::parse(&file, &text, state.vendors()).map_err(|p| p.render())?;
    let name = doc.name.clone();
    load_document(state, doc, file.clone()).map_err(|e| format!("{file}: {e}"))?;
    Ok(name)
}

/// Loads a checked document: its stubs (replacing the stubs the same name loaded before), then its
/// rules. Stubs that clash with another document's refuse the whole load.
pub fn load_document(
    state: &AppState,
    doc: super::model::Document,
    source: String,
) -> Result<(), String> {
    let stubs = crate::stub::table::compile_all(&doc.stubs, state.vendors())?;
    let name = doc.name.clone();
    state.stubs.load(&name, stubs)?;
    state
        .scenarios
        .load(doc, source, state.vendors())
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
            match load_file(&state, file) {
                Ok(name) => tracing::info!("reloaded scenario '{name}' from {}", file.display()),
                Err(problems) => tracing::error!(
                    "{} is broken; the last good version stays active:\n{problems}",
                    file.display()
                ),
            }
        }
    }
}
