//! Contract schemas as OpenAPI components: each JSON Schema becomes one component, its `$defs`
//! become components of their own, and every `$ref` is rewritten to point at them, since a
//! fragment such as `#/$defs/x` would otherwise resolve against the OpenAPI document's root.

use serde_json::{Map, Value};

/// The schemas a document collects under `components/schemas`.
#[derive(Default)]
pub struct Components(pub Map<String, Value>);

impl Components {
    /// Adds the schema `text` as component `name` (its `$defs` as `name.def`) and answers a
    /// reference to it. A schema that does not parse is described as any value.
    pub fn add(&mut self, name: &str, text: &str) -> Value {
        let Ok(mut schema) = serde_json::from_str::<Value>(text) else {
            return Value::Object(Map::new());
        };
        let defs = match &mut schema {
            Value::Object(map) => {
                map.remove("$schema");
                map.remove("$id");
                map.remove("$defs")
            }
            _ => None,
        };
        if let Some(Value::Object(defs)) = defs {
            for (def, mut value) in defs {
                rewrite(&mut value, name);
                self.0.insert(format!("{name}.{def}"), value);
            }
        }
        rewrite(&mut schema, name);
        self.0.insert(name.to_owned(), schema);
        reference(name)
    }
}

pub fn reference(name: &str) -> Value {
    serde_json::json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// Points every local `$ref` of a schema named `name` at its components.
fn rewrite(value: &mut Value, name: &str) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get_mut("$ref") {
                if let Some(def) = target.strip_prefix("#/$defs/") {
                    let def = def.split('/').next().unwrap_or(def);
                    *target = format!("#/components/schemas/{name}.{def}");
                } else if target == "#" {
                    *target = format!("#/components/schemas/{name}");
                }
            }
            for v in map.values_mut() {
                rewrite(v, name);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite(v, name)),
        _ => {}
    }
}
