use super::FieldErrors;
use super::fields::{UPDATE_FIELDS, rule_for};

/// What sort of live update this is; decides its label and its extra
/// fields. Deserialised from its stored name (`db::json_rows`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UpdateKind {
    Update,
    Picket,
    Statement,
    Figures,
}

impl UpdateKind {
    /// Every kind, in the order the update form offers them.
    pub const ALL: [UpdateKind; 4] = [
        UpdateKind::Update,
        UpdateKind::Picket,
        UpdateKind::Statement,
        UpdateKind::Figures,
    ];

    /// Reads the name used in URLs, forms, content files and the database.
    pub fn parse(text: &str) -> Option<UpdateKind> {
        UpdateKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The name used in URLs, forms, content files and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            UpdateKind::Update => "update",
            UpdateKind::Picket => "picket",
            UpdateKind::Statement => "statement",
            UpdateKind::Figures => "figures",
        }
    }

    /// The label readers see.
    pub fn label(self) -> &'static str {
        match self {
            UpdateKind::Update => "Update",
            UpdateKind::Picket => "Picket line",
            UpdateKind::Statement => "Statement",
            UpdateKind::Figures => "Figures",
        }
    }
}

/// A kind together with the fields that kind requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KindDetails {
    Update,
    Picket {
        place: String,
    },
    Statement {
        who: String,
    },
    Figures {
        number: i64,
        what: String,
        place: Option<String>,
        source: String,
    },
}

impl KindDetails {
    pub fn kind(&self) -> UpdateKind {
        match self {
            KindDetails::Update => UpdateKind::Update,
            KindDetails::Picket { .. } => UpdateKind::Picket,
            KindDetails::Statement { .. } => UpdateKind::Statement,
            KindDetails::Figures { .. } => UpdateKind::Figures,
        }
    }
}

/// A live update as typed or read from a file, not yet checked.
#[derive(Debug, Clone, Default)]
pub struct UpdateInput {
    pub body: String,
    pub kind: String,
    pub author: String,
    pub key_event: bool,
    pub place: String,
    pub who: String,
    /// Kept as text so "4,000" or "-3" can be refused with a message, not a 400.
    pub number: String,
    pub what: String,
    pub source: String,
}

/// A live update that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateDraft {
    pub body_md: String,
    pub details: KindDetails,
    pub author: String,
    pub key_event: bool,
}

impl UpdateInput {
    /// Each text field by name, for checking against [`UPDATE_FIELDS`].
    fn text_fields(&self) -> [(&'static str, &str); 7] {
        [
            ("body", &self.body),
            ("author", &self.author),
            ("place", &self.place),
            ("who", &self.who),
            ("number", &self.number),
            ("what", &self.what),
            ("source", &self.source),
        ]
    }

    /// Checks the kind and every text field against its rule (which fields a
    /// kind requires is in the table too); reports every problem.
    pub fn validate(&self) -> Result<UpdateDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let kind = UpdateKind::parse(self.kind.trim());
        if kind.is_none() {
            errors.add(
                "kind",
                "Choose a kind: update, picket, statement or figures.",
            );
        }
        for (name, value) in self.text_fields() {
            rule_for(UPDATE_FIELDS, name).check(&mut errors, value, kind);
        }
        let text = |value: &str| value.trim().to_owned();
        let details = kind.map(|kind| match kind {
            UpdateKind::Update => KindDetails::Update,
            UpdateKind::Picket => KindDetails::Picket {
                place: text(&self.place),
            },
            UpdateKind::Statement => KindDetails::Statement {
                who: text(&self.who),
            },
            UpdateKind::Figures => KindDetails::Figures {
                number: match errors.get("number") {
                    Some(_) => 0,
                    None => parse_count(self.number.trim())
                        .map_err(|m| errors.add("number", m))
                        .unwrap_or_default(),
                },
                what: text(&self.what),
                place: Some(text(&self.place)).filter(|p| !p.is_empty()),
                source: text(&self.source),
            },
        });
        errors.into_result(|| UpdateDraft {
            body_md: self.body.replace("\r\n", "\n"),
            details: details.expect("no kind error"),
            author: text(&self.author),
            key_event: self.key_event,
        })
    }
}

/// Reads a count as editors write it: `4000`, `4,000` or `4 000` (also with
/// a no-break space), but not `4,00`, where a digit may be missing.
fn parse_count(text: &str) -> Result<i64, &'static str> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let groups: Vec<&str> = digits.split([',', ' ', '\u{a0}', '\u{202f}']).collect();
    let well_grouped = groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3);
    let plain = groups.len() == 1 && !digits.is_empty();
    if !(plain || well_grouped) {
        return Err("The number must be a whole number, like 4000 or 4,000.");
    }
    match groups.concat().parse::<i64>() {
        Ok(_) if negative => Err("The number cannot be negative."),
        Ok(n) => Ok(n),
        Err(_) => Err("The number is too large."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(number: &str) -> UpdateInput {
        UpdateInput {
            body: "Operations cancelled.".into(),
            kind: "figures".into(),
            author: "Desk".into(),
            number: number.into(),
            what: "operations".into(),
            source: "NHS England".into(),
            ..UpdateInput::default()
        }
    }

    #[test]
    fn figures_need_a_whole_non_negative_number() {
        for (good, number) in [
            ("4000", 4000),
            ("4,000", 4000),
            ("4 000", 4000),
            ("1,234,567", 1234567),
        ] {
            let draft = figures(good).validate().unwrap();
            assert!(
                matches!(draft.details, KindDetails::Figures { number: n, .. } if n == number),
                "{good}"
            );
        }
        for bad in [
            "-1",
            "4,00",
            "4.000",
            "lots",
            "",
            ",400",
            "99999999999999999999",
        ] {
            assert!(
                figures(bad).validate().unwrap_err().get("number").is_some(),
                "{bad}"
            );
        }
    }

    /// The input with `value` in the field `name`; a new field in
    /// [`UPDATE_FIELDS`] must be added here, which proves the validator reads it.
    fn with_field(name: &str, value: &str) -> UpdateInput {
        let mut input = figures("1");
        let text = value.to_owned();
        match name {
            "body" => input.body = text,
            "author" => input.author = text,
            "place" => input.place = text,
            "who" => input.who = text,
            "number" => input.number = text,
            "what" => input.what = text,
            "source" => input.source = text,
            other => panic!("validate() does not know the field `{other}`"),
        }
        input
    }

    #[test]
    fn every_field_in_the_table_is_checked_by_its_rule() {
        for rule in UPDATE_FIELDS {
            let errors = with_field(rule.name, "1\r\nevent: x")
                .validate()
                .err()
                .unwrap_or_default();
            let expected = rule.name != "body";
            assert_eq!(
                errors.get(rule.name).is_some(),
                expected,
                "{}: {errors}",
                rule.name
            );
            let long = "ص".repeat(rule.max + 1);
            let errors = with_field(rule.name, &long).validate().unwrap_err();
            assert!(errors.get(rule.name).is_some(), "{}: {errors}", rule.name);
        }
    }

    #[test]
    fn each_kind_requires_its_fields() {
        let picket = UpdateInput {
            kind: "picket".into(),
            ..figures("1")
        };
        assert!(picket.validate().unwrap_err().get("place").is_some());
        let unknown = UpdateInput {
            kind: "rumour".into(),
            ..figures("1")
        };
        assert!(unknown.validate().unwrap_err().get("kind").is_some());
    }
}
