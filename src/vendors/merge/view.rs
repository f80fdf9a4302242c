//! How an engagement is shown: Merge's field order, dates as RFC 3339, and what the query asks
//! for (`expand`ed relations as nested objects, `remote_data` only with `include_remote_data`,
//! `remote_fields` only with `include_remote_fields` or on a write's answer). Serialised straight
//! from the stored record, without building an intermediate JSON value.

use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::{json, Value};

use super::seed::Refs;
use super::state::Engagement;
use crate::clock::{rfc3339, Rfc3339};
use crate::vendor::Call;

/// The relations `expand` can name.
#[derive(Debug, Default, Clone, Copy)]
pub struct Expand {
    pub account: bool,
    pub contacts: bool,
    pub engagement_type: bool,
    pub owner: bool,
}

impl Expand {
    /// Reads `expand=a,b` and `expand=a&expand=b`; names Merge does not know are ignored.
    pub fn from_call(call: &Call<'_>) -> Expand {
        let mut e = Expand::default();
        for name in call.query_values("expand").flat_map(|v| v.split(',')) {
            match name.trim() {
                "account" => e.account = true,
                "contacts" => e.contacts = true,
                "engagement_type" => e.engagement_type = true,
                "owner" => e.owner = true,
                _ => {}
            }
        }
        e
    }

    pub fn any(&self) -> bool {
        self.account || self.contacts || self.engagement_type || self.owner
    }
}

/// What a read or write answer includes beyond the plain fields.
#[derive(Default)]
pub struct Shape<'a> {
    pub expand: Expand,
    pub remote_data: bool,
    pub remote_fields: bool,
    /// Answer `remote_id: null`: a `run_async` write whose third-party call has not returned yet.
    pub hide_remote_id: bool,
    /// The reference records expanded relations are looked up in (needed only with `expand`).
    pub refs: Option<&'a Refs>,
}

pub fn flag(call: &Call<'_>, name: &str) -> bool {
    call.query_value(name)
        .is_some_and(|v| matches!(v, "true" | "True" | "TRUE" | "1"))
}

impl<'a> Shape<'a> {
    /// The shape a list or retrieve call asks for.
    pub fn for_read(call: &Call<'_>, refs: Option<&'a Refs>) -> Shape<'a> {
        Shape {
            expand: Expand::from_call(call),
            remote_data: flag(call, "include_remote_data"),
            remote_fields: flag(call, "include_remote_fields"),
            hide_remote_id: false,
            refs,
        }
    }
}

pub struct View<'a> {
    pub e: &'a Engagement,
    pub shape: &'a Shape<'a>,
}

/// An id, or the record it names when expanded and known; an unknown id stays an id.
struct Related<'a> {
    id: &'a Option<String>,
    expanded: Option<&'a super::seed::Catalog>,
}

impl Serialize for Related<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match (self.id, self.expanded) {
            (Some(id), Some(catalog)) => match catalog.get(id) {
                Some(record) => record.serialize(s),
                None => s.serialize_str(id),
            },
            (Some(id), None) => s.serialize_str(id),
            (None, _) => s.serialize_none(),
        }
    }
}

struct Contacts<'a> {
    ids: &'a [String],
    expanded: Option<&'a super::seed::Catalog>,
}

impl Serialize for Contacts<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.ids.len()))?;
        for id in self.ids {
            match self.expanded.and_then(|c| c.get(id)) {
                Some(record) => seq.serialize_element(record)?,
                None => seq.serialize_element(id)?,
            }
        }
        seq.end()
    }
}

/// What the third party "returned" for the record, shown with `include_remote_data=true`.
fn remote_data(e: &Engagement) -> Value {
    let remote = e.remote_id.as_deref().unwrap_or_default();
    json!([{
        "path": format!("/crm/v3/objects/engagements/{remote}"),
        "data": {
            "id": remote,
            "properties": {
                "hs_engagement_type": e.engagement_type,
                "hs_engagement_subject": e.subject,
                "hs_body_preview": e.content,
                "hs_timestamp": e.start_time,
                "hs_direction": e.direction,
                "hubspot_owner_id": e.owner,
            },
            "associations": {
                "companies": e.account.iter().collect::<Vec<_>>(),
                "contacts": e.contacts,
            },
            "createdAt": rfc3339(e.created_at),
            "updatedAt": rfc3339(e.modified_at),
        }
    }])
}

impl Serialize for View<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (e, shape) = (self.e, self.shape);
        let catalog = |wanted: bool, pick: fn(&Refs) -> &super::seed::Catalog| {
            if wanted {
                shape.refs.map(pick)
            } else {
                None
            }
        };
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &e.id)?;
        if shape.hide_remote_id {
            m.serialize_entry("remote_id", &None::<String>)?;
        } else {
            m.serialize_entry("remote_id", &e.remote_id)?;
        }
        m.serialize_entry("created_at", &Rfc3339(e.created_at))?;
        m.serialize_entry("modified_at", &Rfc3339(e.modified_at))?;
        m.serialize_entry(
            "owner",
            &Related {
                id: &e.owner,
                expanded: catalog(shape.expand.owner, |r| &r.users),
            },
        )?;
        m.serialize_entry("content", &e.content)?;
        m.serialize_entry("subject", &e.subject)?;
        m.serialize_entry("direction", &e.direction)?;
        m.serialize_entry(
            "engagement_type",
            &Related {
                id: &e.engagement_type,
                expanded: catalog(shape.expand.engagement_type, |r| &r.engagement_types),
            },
        )?;
        m.serialize_entry("start_time", &e.start_time)?;
        m.serialize_entry("end_time", &e.end_time)?;
        m.serialize_entry(
            "account",
            &Related {
                id: &e.account,
                expanded: catalog(shape.expand.account, |r| &r.accounts),
            },
        )?;
        m.serialize_entry(
            "contacts",
            &Contacts {
                ids: &e.contacts,
                expanded: catalog(shape.expand.contacts, |r| &r.contacts),
            },
        )?;
        m.serialize_entry("engagement_url", &e.engagement_url)?;
        m.serialize_entry("remote_was_deleted", &e.remote_was_deleted)?;
        m.serialize_entry("field_mappings", &FieldMappings)?;
        if shape.remote_data {
            m.serialize_entry("remote_data", &remote_data(e))?;
        } else {
            m.serialize_entry("remote_data", &None::<Value>)?;
        }
        if shape.remote_fields {
            m.serialize_entry("remote_fields", &e.remote_fields)?;
        }
        m.end()
    }
}

/// `{"organization_defined_targets": {}, "linked_account_defined_targets": {}}`: no field
/// mappings are configured for a simulated linked account.
struct FieldMappings;

impl Serialize for FieldMappings {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let empty = serde_json::Map::new();
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("organization_defined_targets", &empty)?;
        m.serialize_entry("linked_account_defined_targets", &empty)?;
        m.end()
    }
}

/// A write's answer: `{model, warnings, errors, logs?}`.
#[derive(Serialize)]
pub struct WriteAnswer<'a> {
    pub model: View<'a>,
    pub warnings: Vec<Value>,
    pub errors: [Value; 0],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logs: Option<Vec<Value>>,
}

/// A list page: `{next, previous, results}`.
#[derive(Serialize)]
pub struct ListAnswer<T: Serialize> {
    pub next: Option<String>,
    pub previous: Option<String>,
    pub results: Vec<T>,
}
