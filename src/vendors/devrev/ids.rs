//! DevRev object ids: DONs (`don:core:dvrv-us-1:devo/0:account/1`) and display ids (`ACC-1`),
//! both accepted wherever a request names an object, and the kind each one refers to.
//!
//! Engagement DONs follow the documented pattern with type `engagement`; the `ENG-` display prefix
//! is the simulator's choice (DevRev does not document one).

/// The object kinds engagement requests refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Engagement,
    Account,
    Opportunity,
    DevUser,
    RevUser,
    Artifact,
    Tag,
}

impl Kind {
    const ALL: [Kind; 7] = [
        Kind::Engagement,
        Kind::Account,
        Kind::Opportunity,
        Kind::DevUser,
        Kind::RevUser,
        Kind::Artifact,
        Kind::Tag,
    ];

    /// The DON partition and type segment.
    fn don_parts(self) -> (&'static str, &'static str) {
        match self {
            Kind::Engagement => ("core", "engagement"),
            Kind::Account => ("core", "account"),
            Kind::Opportunity => ("core", "opportunity"),
            Kind::DevUser => ("identity", "devu"),
            Kind::RevUser => ("identity", "revu"),
            Kind::Artifact => ("core", "artifact"),
            Kind::Tag => ("core", "tag"),
        }
    }

    pub fn display_prefix(self) -> &'static str {
        match self {
            Kind::Engagement => "ENG",
            Kind::Account => "ACC",
            Kind::Opportunity => "OPP",
            Kind::DevUser => "DEVU",
            Kind::RevUser => "REVU",
            Kind::Artifact => "ARTIFACT",
            Kind::Tag => "TAG",
        }
    }

    /// The name DevRev uses for the type in `allowed_types` and user summaries.
    pub fn type_name(self) -> &'static str {
        match self {
            Kind::Engagement => "engagement",
            Kind::Account => "account",
            Kind::Opportunity => "opportunity",
            Kind::DevUser => "dev_user",
            Kind::RevUser => "rev_user",
            Kind::Artifact => "artifact",
            Kind::Tag => "tag",
        }
    }
}

/// A parsed object reference: its kind and its number within the dev org.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectId {
    pub kind: Kind,
    pub number: String,
}

/// The dev org every simulated object lives in, as in DevRev's documentation examples.
pub const DEV_ORG: &str = "devo/0";

impl ObjectId {
    pub fn don(&self) -> String {
        let (partition, ty) = self.kind.don_parts();
        format!("don:{partition}:dvrv-us-1:{DEV_ORG}:{ty}/{}", self.number)
    }
}

/// The DON of object `number` of DON type `ty` (`account`, `devu`...), in the identity partition
/// for user types and the core partition otherwise, as user stubs mint them.
pub fn don_of(ty: &str, number: u64) -> String {
    let partition = Kind::ALL
        .iter()
        .map(|k| k.don_parts())
        .find(|(_, t)| *t == ty)
        .map_or("core", |(p, _)| p);
    format!("don:{partition}:dvrv-us-1:{DEV_ORG}:{ty}/{number}")
}

impl ObjectId {
    pub fn display(&self) -> String {
        format!("{}-{}", self.kind.display_prefix(), self.number)
    }
}

/// Why an id could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum IdError {
    /// Neither a DON nor a display id.
    Malformed,
    /// Well formed, but of a type this simulator does not hold (`don:...:issue/1`, `ISS-1`).
    OtherType(String),
}

/// Reads a DON or a display id.
pub fn parse(text: &str) -> Result<ObjectId, IdError> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix("don:") {
        // don:<partition>:<cell>:<devo/org>:<type>/<number>
        let mut parts = rest.splitn(4, ':');
        let (Some(partition), Some(cell), Some(org), Some(tail)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(IdError::Malformed);
        };
        if cell.is_empty() || !org.starts_with("devo/") {
            return Err(IdError::Malformed);
        }
        let tail = tail.rsplit(':').next().unwrap_or(tail);
        let Some((ty, number)) = tail.split_once('/') else {
            return Err(IdError::Malformed);
        };
        if !valid_number(number) {
            return Err(IdError::Malformed);
        }
        return Kind::ALL
            .into_iter()
            .find(|k| k.don_parts() == (partition, ty))
            .map(|kind| ObjectId {
                kind,
                number: number.to_owned(),
            })
            .ok_or_else(|| IdError::OtherType(ty.to_owned()));
    }
    let Some((prefix, number)) = text.rsplit_once('-') else {
        return Err(IdError::Malformed);
    };
    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_uppercase()) || !valid_number(number)
    {
        return Err(IdError::Malformed);
    }
    Kind::ALL
        .into_iter()
        .find(|k| k.display_prefix() == prefix)
        .map(|kind| ObjectId {
            kind,
            number: number.to_owned(),
        })
        .ok_or_else(|| IdError::OtherType(prefix.to_owned()))
}

fn valid_number(n: &str) -> bool {
    !n.is_empty() && n.len() <= 32 && n.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dons_and_display_ids_name_the_same_object() {
        let a = parse("don:core:dvrv-us-1:devo/0:account/1").unwrap();
        let b = parse("ACC-1").unwrap();
        assert_eq!(a, b);
        assert_eq!(b.don(), "don:core:dvrv-us-1:devo/0:account/1");
        assert_eq!(
            parse("DEVU-12").unwrap().don(),
            "don:identity:dvrv-us-1:devo/0:devu/12"
        );
    }

    #[test]
    fn other_types_and_garbage_are_told_apart() {
        assert_eq!(parse("ISS-1"), Err(IdError::OtherType("ISS".into())));
        assert_eq!(
            parse("don:core:dvrv-us-1:devo/0:issue/1"),
            Err(IdError::OtherType("issue".into()))
        );
        assert_eq!(parse("hello"), Err(IdError::Malformed));
        assert_eq!(parse("ACC-"), Err(IdError::Malformed));
    }
}
