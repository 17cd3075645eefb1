//! The metadata-rule data of `rules/audit.toml`: profiles (quiet hours and
//! per-day limits), the four metadata rules with their legal bases, contact
//! relations, connected-flag spellings and header aliases.
//!
//! The file is embedded in the binary and parsed here with serde; the
//! text-rule compiler never sees it. Thresholds and legal bases live in the
//! data, so changing a limit never needs Rust.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;

use super::record::trim;
use crate::clock::{ClockTime, QuietHours};
use crate::finding::{Category, RuleInfo, Severity};

/// The embedded `rules/audit.toml`.
pub const BUILTIN: &str = include_str!("../../rules/audit.toml");

/// Everything `rules/audit.toml` says.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditConfig {
    /// Named profiles; `default` must exist.
    pub profiles: BTreeMap<String, ProfileSpec>,
    /// The metadata rules.
    pub rules: MetaRuleSpecs,
    /// Which contact relations mean the debtor.
    pub relations: Relations,
    /// Spellings of the connected flag.
    pub connected: ConnectedSpellings,
    /// Header aliases of each field.
    pub columns: ColumnAliases,
    /// The debt-mention detector behind the contact-disclosure rule.
    pub disclosure: DisclosureSpec,
}

/// One profile as written in the file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileSpec {
    /// Start of the quiet hours, `HH:MM`.
    pub quiet_start: String,
    /// End of the quiet hours (exclusive), `HH:MM`.
    pub quiet_end: String,
    /// Most connected calls to one debtor in a day.
    pub max_connected_per_day: u32,
    /// Most unanswered attempts to one number in a day.
    pub max_unanswered_per_number_per_day: u32,
    /// Offset that timestamps with an offset are converted to (`+08:00`).
    #[serde(default)]
    pub utc_offset: Option<String>,
    /// Replaces the quiet-hours rule's legal basis under this profile.
    #[serde(default)]
    pub basis_quiet_hours: Option<String>,
}

/// The four metadata rules.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetaRuleSpecs {
    /// Contact during quiet hours.
    pub quiet_hours: MetaRuleSpec,
    /// Too many connected calls to one debtor in a day.
    pub connected_calls: MetaRuleSpec,
    /// Too many unanswered attempts to one number in a day.
    pub unanswered_attempts: MetaRuleSpec,
    /// Debt details spoken to a contact who is not the debtor.
    pub contact_disclosure: MetaRuleSpec,
}

/// One metadata rule as written in the file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetaRuleSpec {
    /// Stable id, e.g. `HG-H901`.
    pub id: String,
    /// Category name, as in rule files.
    pub category: String,
    /// `error`, `warning` or `info`.
    pub severity: String,
    /// Short Chinese title.
    pub title: String,
    /// Message template with `{placeholders}`.
    pub message: String,
    /// Legal basis.
    pub basis: String,
    /// What to do instead.
    pub suggestion: String,
}

/// Contact relations naming the debtor.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Relations {
    /// Relations meaning "the callee is the debtor".
    pub debtor: Vec<String>,
}

/// Spellings of the connected flag.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectedSpellings {
    /// Values meaning connected.
    pub yes: Vec<String>,
    /// Values meaning not connected.
    pub no: Vec<String>,
}

/// Header aliases, one list per field.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnAliases {
    /// Record id.
    pub id: Vec<String>,
    /// Note or transcript text.
    pub text: Vec<String>,
    /// Agent id.
    pub agent: Vec<String>,
    /// Debtor or case id.
    pub debtor: Vec<String>,
    /// Call start time.
    pub time: Vec<String>,
    /// Callee phone number.
    pub phone: Vec<String>,
    /// Contact relation.
    pub relation: Vec<String>,
    /// Connected or not.
    pub connected: Vec<String>,
}

/// The debt-mention detector.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisclosureSpec {
    /// A rule pack (rule-file TOML) whose findings mean "debt details".
    pub detector: String,
}

/// A profile resolved and validated, with command-line overrides applied.
#[derive(Clone, Debug)]
pub struct Profile {
    /// Its name.
    pub name: String,
    /// When calls are not allowed.
    pub quiet_hours: QuietHours,
    /// Most connected calls to one debtor in a day.
    pub max_connected: u32,
    /// Most unanswered attempts to one number in a day.
    pub max_unanswered: u32,
    /// Offset in seconds that offset-carrying timestamps are converted to.
    pub utc_offset: Option<i32>,
}

/// The metadata rules' user-facing texts, ready for findings.
#[derive(Clone, Debug)]
pub struct MetaRules {
    /// Contact during quiet hours.
    pub quiet_hours: Arc<RuleInfo>,
    /// Too many connected calls.
    pub connected_calls: Arc<RuleInfo>,
    /// Too many unanswered attempts.
    pub unanswered_attempts: Arc<RuleInfo>,
    /// Debt details told to a contact.
    pub contact_disclosure: Arc<RuleInfo>,
}

impl AuditConfig {
    /// The embedded configuration.
    ///
    /// # Panics
    /// If `rules/audit.toml` is broken; a unit test guarantees it is not.
    pub fn builtin() -> AuditConfig {
        AuditConfig::parse(BUILTIN).unwrap_or_else(|e| panic!("rules/audit.toml: {e}"))
    }

    /// Parses and validates a configuration text.
    pub fn parse(text: &str) -> Result<AuditConfig, String> {
        let config: AuditConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        if !config.profiles.contains_key("default") {
            return Err("no [profiles.default]".to_string());
        }
        for name in config.profiles.keys() {
            config.profile(name)?;
        }
        config.meta_rules(None)?;
        Ok(config)
    }

    /// The named profile, validated.
    pub fn profile(&self, name: &str) -> Result<Profile, String> {
        let spec = self.profiles.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.profiles.keys().map(String::as_str).collect();
            format!("unknown profile `{name}` (known: {})", known.join(", "))
        })?;
        let clock = |text: &str| {
            ClockTime::parse(text).ok_or_else(|| format!("profile {name}: bad time `{text}`"))
        };
        let utc_offset = match &spec.utc_offset {
            Some(text) => Some(
                parse_offset(text)
                    .ok_or_else(|| format!("profile {name}: bad utc_offset `{text}`"))?,
            ),
            None => None,
        };
        Ok(Profile {
            name: name.to_string(),
            quiet_hours: QuietHours {
                start: clock(&spec.quiet_start)?,
                end: clock(&spec.quiet_end)?,
            },
            max_connected: spec.max_connected_per_day,
            max_unanswered: spec.max_unanswered_per_number_per_day,
            utc_offset,
        })
    }

    /// The quiet hours of the default profile.
    ///
    /// # Panics
    /// Never for a parsed configuration: parsing checks that the default
    /// profile exists and is valid.
    pub fn default_quiet_hours(&self) -> QuietHours {
        self.profile("default")
            .map(|p| p.quiet_hours)
            .unwrap_or_else(|e| panic!("rules/audit.toml: {e}"))
    }

    /// The metadata rules, with the quiet-hours basis of `profile` if it has one.
    pub fn meta_rules(&self, profile: Option<&str>) -> Result<MetaRules, String> {
        let basis = profile
            .and_then(|name| self.profiles.get(name))
            .and_then(|p| p.basis_quiet_hours.clone());
        let mut quiet = self.rules.quiet_hours.clone();
        if let Some(basis) = basis {
            quiet.basis = basis;
        }
        Ok(MetaRules {
            quiet_hours: rule_info(&quiet)?,
            connected_calls: rule_info(&self.rules.connected_calls)?,
            unanswered_attempts: rule_info(&self.rules.unanswered_attempts)?,
            contact_disclosure: rule_info(&self.rules.contact_disclosure)?,
        })
    }

    /// Whether `relation` (trimmed) names the debtor; empty means unknown,
    /// and is not a third party.
    pub fn is_third_party(&self, relation: &str) -> bool {
        let relation = trim(relation);
        !relation.is_empty()
            && !self
                .relations
                .debtor
                .iter()
                .any(|d| d.eq_ignore_ascii_case(relation))
    }

    /// Reads a connected flag: `Ok(None)` for an empty cell, an error
    /// message for a value that is neither yes nor no.
    pub fn connected(&self, value: &str) -> Result<Option<bool>, String> {
        let value = trim(value);
        if value.is_empty() {
            return Ok(None);
        }
        let is = |list: &[String]| list.iter().any(|v| v.eq_ignore_ascii_case(value));
        if is(&self.connected.yes) {
            Ok(Some(true))
        } else if is(&self.connected.no) {
            Ok(Some(false))
        } else {
            Err(format!("connected value `{value}` is neither yes nor no"))
        }
    }
}

fn rule_info(spec: &MetaRuleSpec) -> Result<Arc<RuleInfo>, String> {
    let category: Category = spec.category.parse()?;
    let severity = match spec.severity.as_str() {
        "error" => Severity::Error,
        "warning" => Severity::Warning,
        "info" => Severity::Info,
        other => return Err(format!("{}: unknown severity `{other}`", spec.id)),
    };
    Ok(Arc::new(RuleInfo {
        id: spec.id.clone(),
        category,
        severity,
        title: spec.title.clone(),
        message: spec.message.clone(),
        basis: spec.basis.clone(),
        suggestion: spec.suggestion.clone(),
    }))
}

/// Parses `+08:00`, `-05:00`, `Z` into seconds east of UTC.
pub fn parse_offset(text: &str) -> Option<i32> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("z") {
        return Some(0);
    }
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => rest.split_at(2),
        None => (rest, "0"),
    };
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 23 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

/// Fills `{name}` placeholders of `template` from `values`, in one pass:
/// a placeholder without a value is kept as written, and values are not
/// searched for placeholders themselves.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            let (_, value) = values.iter().find(|(n, _)| *n == name)?;
            Some((value, close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_config_parses_with_both_profiles() {
        let config = AuditConfig::builtin();
        let default = config.profile("default").unwrap();
        assert_eq!(default.quiet_hours.to_string(), "22:00-08:00");
        assert_eq!((default.max_connected, default.max_unanswered), (3, 6));
        assert_eq!(default.utc_offset, Some(8 * 3600));
        let us = config.profile("us").unwrap();
        assert_eq!(us.quiet_hours.to_string(), "21:00-08:00");
        let rules = config.meta_rules(Some("us")).unwrap();
        assert!(rules.quiet_hours.basis.contains("FDCPA"));
        assert!(config.profile("mars").is_err());
    }

    #[test]
    fn placeholders_are_filled_once_and_unknown_ones_kept() {
        let values = [("count", "4"), ("limit", "3"), ("time", "{count}")];
        assert_eq!(
            fill(
                "第{count}次，上限{limit}，{time}，{phone}，{{count}}",
                &values
            ),
            "第4次，上限3，{count}，{phone}，{4}"
        );
        assert_eq!(fill("无占位符", &values), "无占位符");
        assert_eq!(fill("{count", &values), "{count");
    }

    #[test]
    fn relations_and_connected_flags_come_from_the_data() {
        let config = AuditConfig::builtin();
        assert!(!config.is_third_party("本人"));
        assert!(!config.is_third_party(" "));
        assert!(config.is_third_party("同事"));
        assert_eq!(config.connected("是"), Ok(Some(true)));
        assert_eq!(config.connected("FALSE"), Ok(Some(false)));
        assert_eq!(config.connected(""), Ok(None));
        assert!(config.connected("maybe").unwrap_err().contains("`maybe`"));
    }

    #[test]
    fn offsets_and_placeholders() {
        assert_eq!(parse_offset("+08:00"), Some(28800));
        assert_eq!(parse_offset("-0500"), Some(-18000));
        assert_eq!(parse_offset("Z"), Some(0));
        assert_eq!(parse_offset("08:00"), None);
        assert_eq!(
            fill(
                "第 {count} 次，上限 {limit}",
                &[("count", "4"), ("limit", "3")]
            ),
            "第 4 次，上限 3"
        );
    }
}
