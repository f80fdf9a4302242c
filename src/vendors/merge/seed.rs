//! The records a linked account already holds when a client first looks: CRM users, accounts,
//! contacts, the three engagement types and the engagement remote field classes. They are fake,
//! drawn from `--seed` only, so every run shows the same ones. They are read-only (Merge's CRM API
//! has no writes for users or engagement types), so no account can change them: one copy per seed
//! is built on the first read that needs it (never on the create path) and every account shares
//! it ([`shared`]), instead of each account holding ~100 KB of its own.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, Weak};

use fake::Fake;
use rand::rngs::StdRng;
use rand::Rng;
use serde_json::{json, Value};

use super::ids::{merge_id, remote_id};
use crate::clock::seeded_rng;

/// A page position: lists are keyed by rank, ascending rank being the order clients see.
pub type Rank = u64;

/// How many of each the seed makes.
const USERS: usize = 5;
const ACCOUNTS: usize = 8;
const CONTACTS: usize = 12;

/// When the linked account's first sync "happened": the `created_at` of every seeded record.
const SYNCED_AT: &str = "2024-01-02T03:04:05.000Z";

/// Records of one model, in list order, with an index by id. Each record is shared, so an
/// engagement's remote field can point at its class without copying it.
#[derive(Default)]
pub struct Catalog {
    pub items: BTreeMap<Rank, Arc<Value>>,
    index: HashMap<String, Rank>,
}

impl Catalog {
    fn push(&mut self, record: Value) {
        let rank = self.items.len() as Rank;
        let id = record["id"].as_str().unwrap_or_default().to_owned();
        self.index.insert(id, rank);
        self.items.insert(rank, Arc::new(record));
    }

    pub fn get(&self, id: &str) -> Option<&Arc<Value>> {
        self.index.get(id).and_then(|r| self.items.get(r))
    }

    /// A catalog holding `records` in this order, as a state file saved them; every record needs
    /// a string `id`.
    pub fn from_records(records: Vec<Value>) -> Result<Catalog, String> {
        let mut catalog = Catalog::default();
        for record in records {
            if !record["id"].is_string() {
                return Err("a reference record has no string id".into());
            }
            catalog.push(record);
        }
        Ok(catalog)
    }

    fn ids(&self) -> Vec<String> {
        self.items
            .values()
            .filter_map(|v| v["id"].as_str().map(str::to_owned))
            .collect()
    }
}

pub struct Refs {
    pub users: Catalog,
    pub accounts: Catalog,
    pub contacts: Catalog,
    pub engagement_types: Catalog,
    pub remote_field_classes: Catalog,
}

fn field_mappings() -> Value {
    json!({"organization_defined_targets": {}, "linked_account_defined_targets": {}})
}

/// The fields every Merge common model carries.
fn common(rng: &mut StdRng) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("id".into(), json!(merge_id(rng)));
    m.insert("remote_id".into(), json!(remote_id(rng)));
    m.insert("created_at".into(), json!(SYNCED_AT));
    m.insert("modified_at".into(), json!(SYNCED_AT));
    m
}

fn finish(mut m: serde_json::Map<String, Value>) -> Value {
    m.insert("remote_was_deleted".into(), json!(false));
    m.insert("field_mappings".into(), field_mappings());
    m.insert("remote_data".into(), Value::Null);
    Value::Object(m)
}

fn pick<'a>(rng: &mut StdRng, ids: &'a [String]) -> &'a str {
    &ids[rng.random_range(0..ids.len())]
}

/// The reference records of `seed`, built once while any account holds them. The cache holds
/// them weakly (accounts hold them strongly), so simulators with other seeds in the same process
/// (tests, embedding) leave nothing behind when they stop.
pub fn shared(seed: u64) -> Arc<Refs> {
    static BUILT: Mutex<Vec<(u64, Weak<Refs>)>> = Mutex::new(Vec::new());
    let mut built = crate::store::lock::lock(&BUILT);
    built.retain(|(_, refs)| refs.strong_count() > 0);
    if let Some(refs) = built
        .iter()
        .find(|(s, _)| *s == seed)
        .and_then(|(_, r)| r.upgrade())
    {
        return refs;
    }
    let refs = Arc::new(Refs::new(seed));
    built.push((seed, Arc::downgrade(&refs)));
    refs
}

impl Refs {
    pub fn new(seed: u64) -> Refs {
        let mut rng = seeded_rng(seed, &["merge-seed"]);
        let rng = &mut rng;
        let mut refs = Refs {
            users: Catalog::default(),
            accounts: Catalog::default(),
            contacts: Catalog::default(),
            engagement_types: Catalog::default(),
            remote_field_classes: Catalog::default(),
        };

        for _ in 0..USERS {
            let first: String = fake::faker::name::en::FirstName().fake_with_rng(rng);
            let last: String = fake::faker::name::en::LastName().fake_with_rng(rng);
            let mut m = common(rng);
            m.insert("name".into(), json!(format!("{first} {last}")));
            m.insert(
                "email".into(),
                json!(format!(
                    "{}.{}@example.com",
                    first.to_lowercase(),
                    last.to_lowercase()
                )),
            );
            m.insert("is_active".into(), json!(true));
            refs.users.push(finish(m));
        }
        let users = refs.users.ids();

        for (activity, name) in [("CALL", "Call"), ("MEETING", "Meeting"), ("EMAIL", "Email")] {
            let mut m = common(rng);
            m.insert("activity_type".into(), json!(activity));
            m.insert("name".into(), json!(name));
            // EngagementType has no remote_was_deleted, field_mappings or remote_data (Merge's
            // CRM specs), unlike the other common models.
            refs.engagement_types.push(Value::Object(m));
        }

        for _ in 0..ACCOUNTS {
            let name: String = fake::faker::company::en::CompanyName().fake_with_rng(rng);
            let slug: String = name
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_lowercase();
            let mut m = common(rng);
            m.insert("owner".into(), json!(pick(rng, &users)));
            m.insert("name".into(), json!(name));
            let phrase: String = fake::faker::company::en::CatchPhrase().fake_with_rng(rng);
            m.insert("description".into(), json!(phrase));
            let industry: String = fake::faker::company::en::Industry().fake_with_rng(rng);
            m.insert("industry".into(), json!(industry));
            m.insert(
                "website".into(),
                json!(format!("https://{slug}.example.com")),
            );
            m.insert(
                "number_of_employees".into(),
                json!(rng.random_range(5..5000)),
            );
            m.insert("addresses".into(), json!([]));
            m.insert("phone_numbers".into(), json!([]));
            m.insert("last_activity_at".into(), Value::Null);
            m.insert("remote_updated_at".into(), json!(SYNCED_AT));
            m.insert("remote_created_at".into(), json!(SYNCED_AT));
            refs.accounts.push(finish(m));
        }
        let accounts = refs.accounts.ids();

        for _ in 0..CONTACTS {
            let first: String = fake::faker::name::en::FirstName().fake_with_rng(rng);
            let last: String = fake::faker::name::en::LastName().fake_with_rng(rng);
            let mut m = common(rng);
            m.insert("first_name".into(), json!(first));
            m.insert("last_name".into(), json!(last));
            m.insert("account".into(), json!(pick(rng, &accounts)));
            m.insert("owner".into(), json!(pick(rng, &users)));
            m.insert("addresses".into(), json!([]));
            m.insert(
                "email_addresses".into(),
                json!([{
                    "created_at": SYNCED_AT,
                    "modified_at": SYNCED_AT,
                    "email_address": format!("{}.{}@example.org", first.to_lowercase(), last.to_lowercase()),
                    "email_address_type": "Work",
                }]),
            );
            m.insert("phone_numbers".into(), json!([]));
            m.insert("last_activity_at".into(), Value::Null);
            m.insert("remote_created_at".into(), json!(SYNCED_AT));
            refs.contacts.push(finish(m));
        }

        let classes = [
            json!({
                "display_name": "Call outcome", "remote_key_name": "hs_call_disposition",
                "description": "How the call ended", "is_custom": false,
                "is_common_model_field": false, "is_required": false,
                "field_type": "string", "field_format": "string",
                "field_choices": [
                    "connected",
                    "no_answer",
                    "left_voicemail"
                ]
            }),
            json!({
                "display_name": "Renewal stage", "remote_key_name": "renewal_stage__c",
                "description": "Where the renewal this engagement belongs to stands",
                "is_custom": true, "is_common_model_field": false, "is_required": false,
                "field_type": "string", "field_format": "string",
                "field_choices": [
                    "Discovery",
                    "Renewal",
                    "Closed"
                ]
            }),
            json!({
                "display_name": "Subject", "remote_key_name": "hs_engagement_subject",
                "description": "The engagement's subject line", "is_custom": false,
                "is_common_model_field": true, "is_required": false,
                "field_type": "string", "field_format": "string",
                "field_choices": []
            }),
            json!({
                "display_name": "Attendee emails", "remote_key_name": "attendee_emails__c",
                "description": "Who attended", "is_custom": true,
                "is_common_model_field": false, "is_required": false,
                "field_type": "list", "field_format": "list", "field_choices": [],
                "item_schema": {"item_type": "string", "item_format": "string", "item_choices": []}
            }),
        ];
        for class in classes {
            let mut m = serde_json::Map::new();
            m.insert("id".into(), json!(merge_id(rng)));
            if let Value::Object(rest) = class {
                m.extend(rest);
            }
            refs.remote_field_classes.push(Value::Object(m));
        }
        refs
    }
}

/// `GET /crm/v1/account-details`: the linked account behind a token, fixed by the seed and the
/// token. The simulated integration is HubSpot (what `remote_data` imitates); the end user's
/// names are fake. Fields and types: Merge's AccountDetails schema (docs/vendors/merge.md).
pub fn account_details(seed: u64, tenant_key: &str) -> Value {
    let mut rng = seeded_rng(seed, &["merge-account", tenant_key]);
    let rng = &mut rng;
    let id = merge_id(rng);
    let company: String = fake::faker::company::en::CompanyName().fake_with_rng(rng);
    let slug: String = company
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase();
    json!({
        "id": id,
        "integration": "HubSpot",
        "integration_slug": "hubspot",
        "category": "crm",
        "end_user_origin_id": format!("org-{}", &id[..8]),
        "end_user_organization_name": company,
        "end_user_email_address": format!("admin@{slug}.example.com"),
        "status": "COMPLETE",
        "webhook_listener_url": format!("https://api.merge.dev/api/integrations/webhook-listener/{id}"),
        "is_duplicate": false,
        "account_type": "PRODUCTION",
        "completed_at": SYNCED_AT,
        "instance_id": null,
        "instance_display_value": null,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_fixes_the_reference_records() {
        let a = Refs::new(3);
        let b = Refs::new(3);
        let c = Refs::new(4);
        assert_eq!(a.users.items, b.users.items);
        assert_ne!(a.users.items, c.users.items);
        let contact = a.contacts.items.values().next().unwrap();
        assert!(a
            .accounts
            .get(contact["account"].as_str().unwrap())
            .is_some());
    }

    #[test]
    fn one_copy_per_seed_is_shared_while_held() {
        let a = shared(11);
        assert!(Arc::ptr_eq(&a, &shared(11)));
        assert!(!Arc::ptr_eq(&a, &shared(12)));
        assert_eq!(a.users.items, Refs::new(11).users.items);
    }
}
