//! Column mapping: which header (CSV) or key (JSONL) holds each field.
//!
//! A field's name is taken from its `--*-col` flag if given, else from the
//! alias list of `rules/audit.toml` (English defaults and common Chinese
//! headers). Matching trims spaces and ignores ASCII case. Only the text
//! field is required; a missing optional field switches off the rules that
//! need it for that input, and the summary says so.

use super::config::ColumnAliases;

/// A field of a call-note record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// Record id.
    Id,
    /// Note or transcript text.
    Text,
    /// Agent id.
    Agent,
    /// Debtor or case id.
    Debtor,
    /// Call start time.
    Time,
    /// Callee phone number.
    Phone,
    /// Contact relation (本人, 配偶, 同事, …).
    Relation,
    /// Whether the call was connected.
    Connected,
}

/// The number of fields.
pub const FIELD_COUNT: usize = 8;

impl Field {
    /// Every field, in index order.
    pub const ALL: [Field; FIELD_COUNT] = [
        Field::Id,
        Field::Text,
        Field::Agent,
        Field::Debtor,
        Field::Time,
        Field::Phone,
        Field::Relation,
        Field::Connected,
    ];

    /// The field's machine name (as in the summary's `missing_columns`).
    pub fn name(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Text => "text",
            Field::Agent => "agent",
            Field::Debtor => "debtor",
            Field::Time => "time",
            Field::Phone => "phone",
            Field::Relation => "relation",
            Field::Connected => "connected",
        }
    }

    /// Index into per-field arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Whether values of this field are read without surrounding
    /// whitespace: all but the record id and the text, which are kept as
    /// written.
    pub fn is_trimmed(self) -> bool {
        !matches!(self, Field::Id | Field::Text)
    }
}

/// The candidate names of every field, overrides first.
#[derive(Clone, Debug)]
pub struct ColumnNames {
    names: [Vec<String>; FIELD_COUNT],
}

impl ColumnNames {
    /// Names from `aliases`, with `overrides` (one optional name per field,
    /// in [`Field::ALL`] order) replacing a field's aliases entirely.
    pub fn new(aliases: &ColumnAliases, overrides: &[Option<String>; FIELD_COUNT]) -> ColumnNames {
        let lists = [
            &aliases.id,
            &aliases.text,
            &aliases.agent,
            &aliases.debtor,
            &aliases.time,
            &aliases.phone,
            &aliases.relation,
            &aliases.connected,
        ];
        let names = std::array::from_fn(|i| match &overrides[i] {
            Some(name) => vec![name.clone()],
            None => lists[i].clone(),
        });
        ColumnNames { names }
    }

    /// The candidate names of `field`.
    pub fn of(&self, field: Field) -> &[String] {
        &self.names[field.index()]
    }

    /// Resolves a CSV header into column indices.
    pub fn resolve(&self, header: &[&str]) -> Layout {
        let columns = std::array::from_fn(|i| {
            self.names[i].iter().find_map(|name| {
                header
                    .iter()
                    .position(|h| h.trim().eq_ignore_ascii_case(name.trim()))
            })
        });
        Layout { columns }
    }
}

/// Where each field is in a CSV row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Column index per field, in [`Field::ALL`] order.
    pub columns: [Option<usize>; FIELD_COUNT],
}

impl Layout {
    /// The column of `field`.
    pub fn get(&self, field: Field) -> Option<usize> {
        self.columns[field.index()]
    }

    /// Fields that no column holds.
    pub fn missing(&self) -> Vec<&'static str> {
        Field::ALL
            .into_iter()
            .filter(|f| self.get(*f).is_none())
            .map(Field::name)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::config::AuditConfig;

    #[test]
    fn chinese_headers_resolve_through_aliases() {
        let config = AuditConfig::builtin();
        let names = ColumnNames::new(&config.columns, &Default::default());
        let layout = names.resolve(&["记录编号", "坐席工号", "通话内容", " 通话时间 ", "是否接通"]);
        assert_eq!(layout.get(Field::Id), Some(0));
        assert_eq!(layout.get(Field::Agent), Some(1));
        assert_eq!(layout.get(Field::Text), Some(2));
        assert_eq!(layout.get(Field::Time), Some(3));
        assert_eq!(layout.get(Field::Connected), Some(4));
        assert_eq!(layout.missing(), vec!["debtor", "phone", "relation"]);
    }

    #[test]
    fn overrides_replace_aliases() {
        let config = AuditConfig::builtin();
        let mut overrides: [Option<String>; FIELD_COUNT] = Default::default();
        overrides[Field::Text.index()] = Some("Memo".to_string());
        let names = ColumnNames::new(&config.columns, &overrides);
        let layout = names.resolve(&["text", "memo"]);
        assert_eq!(layout.get(Field::Text), Some(1));
    }
}
