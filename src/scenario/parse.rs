//! Reading scenario documents (YAML or JSON) and checking them against the vendors' own tables.
//! Every problem is reported, not only the first.

use super::model::Document;
use super::source::Source;
use crate::vendor::Vendor;

pub use super::source::{Problems, ScenarioError, MAX_PROBLEMS};

/// Parses and checks one document. `file` names it in diagnostics.
pub fn parse(file: &str, text: &str, vendors: &[Box<dyn Vendor>]) -> Result<Document, Problems> {
    let source = Source::new(file, text);
    let doc: Document = match source.deserialize() {
        Ok(d) => d,
        Err(e) => {
            return Err(Problems {
                file: file.to_owned(),
                errors: vec![*e],
            })
        }
    };
    let mut errors = Vec::new();
    super::check::check(&doc, &source, vendors, &mut errors);
    if errors.len() >= MAX_PROBLEMS {
        errors.truncate(MAX_PROBLEMS);
        errors.push(source.error(
            0,
            1,
            format!("checking stopped after {MAX_PROBLEMS} problems; fix these and check again"),
            None,
        ));
    }
    if errors.is_empty() {
        Ok(doc)
    } else {
        Err(Problems {
            file: file.to_owned(),
            errors,
        })
    }
}
