//! Reading scenario documents (YAML or JSON) and checking them against the vendors' own tables.
//! Every problem is reported, not only the first: the structure first (`shape`), then, on every
//! part whose structure is sound, the meaning (`check`).

use serde_json::Value;

use super::model::{Document, RateLimit, Rule};
use super::source::Source;
use crate::vendor::Vendor;

pub use super::source::{Problems, ScenarioError, MAX_PROBLEMS};

/// Parses and checks one document. `file` names it in diagnostics.
pub fn parse(file: &str, text: &str, vendors: &[Box<dyn Vendor>]) -> Result<Document, Problems> {
    let source = Source::new(file, text);
    let problems = |mut errors: Vec<ScenarioError>| {
        // Past the cap, problems are not located; the first ones found are the ones reported.
        let capped = errors.len() > MAX_PROBLEMS;
        errors.truncate(MAX_PROBLEMS);
        errors.sort_by_key(|e| (e.line, e.column));
        if capped {
            let note = format!(
                "checking stopped after {MAX_PROBLEMS} problems; fix these and check again"
            );
            errors.push(source.error(0, 1, note, None));
        }
        Problems {
            file: file.to_owned(),
            errors,
        }
    };
    let value = source.value().map_err(|e| problems(vec![*e]))?;
    let mut errors = Vec::new();
    super::shape::check(&value, &source, &mut errors);
    if !errors.is_empty() {
        check_sound_parts(&value, &source, vendors, &mut errors);
        return Err(problems(errors));
    }
    match serde_json::from_value::<Document>(value) {
        Ok(doc) => {
            super::check::check(&doc, &source, vendors, &mut errors);
            if errors.is_empty() {
                Ok(doc)
            } else {
                Err(problems(errors))
            }
        }
        // The shape check mirrors the model, so this is a gap in it; still a located report.
        Err(e) => Err(problems(vec![source.error(0, 1, e.to_string(), None)])),
    }
}

/// The meaning of each rule and rate limit whose own structure is sound, so one run reports
/// both kinds of problem.
fn check_sound_parts(
    doc: &Value,
    src: &Source<'_>,
    vendors: &[Box<dyn Vendor>],
    errors: &mut Vec<super::source::ScenarioError>,
) {
    if let Some(name) = doc["name"].as_str() {
        super::check::check_name(name, src, errors);
    }
    // The ids of the stubs that read well on their own: rules may name them.
    let stubs: Vec<(String, String)> = doc["stubs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| {
            Some((
                s["vendor"].as_str()?.to_owned(),
                s["id"].as_str()?.to_owned(),
            ))
        })
        .collect();
    for (i, rule) in doc["rules"].as_array().into_iter().flatten().enumerate() {
        if src.over() {
            break;
        }
        let (rule, pruned) = sound_keys(rule);
        if let Ok(rule) = serde_json::from_value::<Rule>(rule) {
            super::check::check_rule(i, &rule, pruned, &stubs, src, vendors, errors);
        }
    }
    for (i, limit) in doc["rate_limits"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Ok(limit) = serde_json::from_value::<RateLimit>(limit.clone()) {
            super::check::check_limit(i, &limit, &stubs, src, vendors, errors);
        }
    }
}

/// A rule with only the keys whose values are well formed on their own, and whether any were
/// left out.
fn sound_keys(rule: &Value) -> (Value, bool) {
    let Some(map) = rule.as_object() else {
        return (rule.clone(), false);
    };
    let vendor = map.get("vendor").cloned().unwrap_or(Value::Null);
    let kept: serde_json::Map<String, Value> = map
        .iter()
        .filter(|(key, value)| {
            let mut alone = serde_json::Map::new();
            alone.insert("vendor".into(), Value::String(String::new()));
            alone.insert((*key).clone(), (*value).clone());
            serde_json::from_value::<Rule>(Value::Object(alone)).is_ok()
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let pruned = kept.len() != map.len();
    let mut kept = kept;
    if vendor.is_string() {
        kept.insert("vendor".into(), vendor);
    }
    (Value::Object(kept), pruned)
}
