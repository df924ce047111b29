//! How the domain's named values are stored: each as its `as_str()` text in a
//! `TEXT` column (whose `CHECK` constraint lists the same names), so rows
//! decode straight into domain types and `domain/` knows nothing of SQL.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::sqlite::{SqliteTypeInfo, SqliteValueRef};
use sqlx::{Database, Decode, Encode, Sqlite, Type};

use crate::domain::{LiveState, StoryStatus, TokenPurpose, UpdateKind};
use crate::media::{FileFormat, MediaKind};

/// Implements `Type`, `Encode` and `Decode` for a domain enum with
/// `as_str()` and `parse()`. A macro because the orphan rule forbids one
/// blanket impl of sqlx's traits over a local helper trait.
macro_rules! stored_as_text {
    ($type:ty, $what:literal) => {
        impl Type<Sqlite> for $type {
            fn type_info() -> SqliteTypeInfo {
                <str as Type<Sqlite>>::type_info()
            }

            fn compatible(ty: &SqliteTypeInfo) -> bool {
                <str as Type<Sqlite>>::compatible(ty)
            }
        }

        impl Encode<'_, Sqlite> for $type {
            fn encode_by_ref(
                &self,
                buf: &mut <Sqlite as Database>::ArgumentBuffer,
            ) -> Result<IsNull, BoxDynError> {
                <&str as Encode<Sqlite>>::encode(self.as_str(), buf)
            }
        }

        impl<'r> Decode<'r, Sqlite> for $type {
            fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
                let text = <&str as Decode<Sqlite>>::decode(value)?;
                <$type>::parse(text).ok_or_else(|| format!("unknown {} “{text}”", $what).into())
            }
        }
    };
}

stored_as_text!(StoryStatus, "story status");
stored_as_text!(LiveState, "live state");
stored_as_text!(UpdateKind, "update kind");
stored_as_text!(TokenPurpose, "token purpose");
stored_as_text!(MediaKind, "media kind");
stored_as_text!(FileFormat, "media file format");
