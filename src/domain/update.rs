use super::{FieldErrors, MAX_MARKDOWN_BYTES};

/// What sort of live update this is; decides its label and its extra fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

fn required(errors: &mut FieldErrors, field: &'static str, value: &str, message: &str) -> String {
    let value = value.trim();
    if value.is_empty() {
        errors.add(field, message);
    }
    value.to_owned()
}

impl UpdateInput {
    /// Checks the body, the kind and the kind's own fields; reports every problem.
    pub fn validate(&self) -> Result<UpdateDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.body.trim().is_empty() {
            errors.add("body", "Write the update before publishing it.");
        } else if self.body.len() > MAX_MARKDOWN_BYTES {
            errors.add("body", "The update is over 200 KB.");
        }
        let author = required(
            &mut errors,
            "author",
            &self.author,
            "An update needs an author.",
        );
        let details = match UpdateKind::parse(self.kind.trim()) {
            None => {
                errors.add(
                    "kind",
                    "Choose a kind: update, picket, statement or figures.",
                );
                None
            }
            Some(UpdateKind::Update) => Some(KindDetails::Update),
            Some(UpdateKind::Picket) => {
                let place = required(
                    &mut errors,
                    "place",
                    &self.place,
                    "Say where the picket is.",
                );
                Some(KindDetails::Picket { place })
            }
            Some(UpdateKind::Statement) => {
                let who = required(&mut errors, "who", &self.who, "Say who made the statement.");
                Some(KindDetails::Statement { who })
            }
            Some(UpdateKind::Figures) => {
                let number = parse_count(self.number.trim())
                    .map_err(|m| errors.add("number", m))
                    .unwrap_or_default();
                let what = required(&mut errors, "what", &self.what, "Say what was counted.");
                let source = required(&mut errors, "source", &self.source, "Name the source.");
                let place = Some(self.place.trim().to_owned()).filter(|p| !p.is_empty());
                Some(KindDetails::Figures {
                    number,
                    what,
                    place,
                    source,
                })
            }
        };
        errors.into_result(|| UpdateDraft {
            body_md: self.body.replace("\r\n", "\n"),
            details: details.expect("no kind error"),
            author,
            key_event: self.key_event,
        })
    }
}

fn parse_count(text: &str) -> Result<i64, &'static str> {
    if text.is_empty() {
        return Err("Give the number.");
    }
    match text.parse::<i64>() {
        Ok(n) if n >= 0 => Ok(n),
        Ok(_) => Err("The number cannot be negative."),
        Err(_) => Err("The number must be a whole number, digits only (4000, not 4,000)."),
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
        assert!(figures("4000").validate().is_ok());
        for bad in ["-1", "4,000", "lots", ""] {
            assert!(
                figures(bad).validate().unwrap_err().get("number").is_some(),
                "{bad}"
            );
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
