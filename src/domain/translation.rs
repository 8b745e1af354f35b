//! What every translated record shares (posts, cluster descriptions, success stories): the
//! checks of a translation's language (a tag, not the record's primary language, room for one
//! more), and the choice, among a record's stored translations, of the one a reader's
//! preference picks (`None`: the primary text). The negotiation itself is `locale`'s.

use entity::{cluster_translation, post_translation, success_story_translation};

use super::{
    locale::{LanguageTag, Preference, LANGUAGE_HINT},
    validation::Checker,
};
use crate::error::{AppError, AppResult};

/// Translations one record may have besides its primary text: enough for the platform's
/// languages, few enough that a page of records with all of them stays small.
pub const TRANSLATIONS_MAX: usize = 10;

/// A stored translation row: the language it is in.
pub trait Translated {
    fn language(&self) -> &str;
}

impl Translated for post_translation::Model {
    fn language(&self) -> &str {
        &self.language
    }
}

impl Translated for cluster_translation::Model {
    fn language(&self) -> &str {
        &self.language
    }
}

impl Translated for success_story_translation::Model {
    fn language(&self) -> &str {
        &self.language
    }
}

/// Checks the language of a translation to write on a `record` (its name in messages) written
/// in `primary` that has the translations `existing`: a tag, not the primary language, and not
/// an eleventh language. Failures go to `check` on the field `language`; the canonical tag
/// comes back when the tag is good.
pub fn check_language<T: Translated>(
    check: &mut Checker,
    record: &str,
    raw: &str,
    primary: &str,
    existing: &[T],
) -> Option<LanguageTag> {
    let Some(tag) = LanguageTag::parse(raw) else {
        check.fail("language", LANGUAGE_HINT);
        return None;
    };
    if tag.as_str() == primary {
        check.fail(
            "language",
            format!("is the {record}'s primary language: change the {record} itself"),
        );
    } else if existing.len() >= TRANSLATIONS_MAX && !existing.iter().any(|t| t.language() == tag.as_str()) {
        check.fail(
            "language",
            format!("the {record} has {TRANSLATIONS_MAX} translations already: remove one first"),
        );
    }
    Some(tag)
}

/// Refuses `language` as a `record`'s new primary language when it has a translation in it: one
/// text per language.
pub fn free_for_primary<T: Translated>(record: &str, language: &str, existing: &[T]) -> AppResult<()> {
    if existing.iter().any(|t| t.language() == language) {
        let why = format!("the {record} has a translation in this language: remove it first");
        return Err(AppError::bad_field("language", why));
    }
    Ok(())
}

/// The language of a translation to remove, in canonical form.
pub fn language_to_remove(raw: &str) -> AppResult<LanguageTag> {
    LanguageTag::parse(raw).ok_or_else(|| AppError::bad_field("language", LANGUAGE_HINT))
}

/// The translation a reader with `preference` is served, among a record's `translations`;
/// `None` when the primary text fits best (or nothing else fits).
pub fn negotiate<T: Translated>(preference: &Preference, primary: &str, translations: Vec<T>) -> Option<T> {
    if preference.is_empty() || translations.is_empty() {
        return None;
    }
    // Stored tags are canonical already; one that no longer parses is never chosen.
    let primary = LanguageTag::parse(primary)?;
    let available: Vec<LanguageTag> = translations
        .iter()
        .filter_map(|t| LanguageTag::parse(t.language()))
        .collect();
    let picked = preference.pick(&primary, &available).as_str().to_owned();
    translations.into_iter().find(|t| t.language() == picked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(language: &str) -> cluster_translation::Model {
        cluster_translation::Model {
            cluster_id: uuid::Uuid::nil(),
            language: language.into(),
            description: String::new(),
        }
    }

    #[test]
    fn a_translation_needs_a_tag_another_language_and_room() {
        let full: Vec<_> = (0..TRANSLATIONS_MAX as u8)
            .map(|i| row(&format!("a{}", char::from(b'a' + i))))
            .collect();
        let mut check = Checker::new();
        assert_eq!(
            check_language(&mut check, "cluster", "zh-TW", "en", &full[..1]).map(|t| t.to_string()),
            Some("zh-Hant-TW".into())
        );
        assert!(check.finish().is_ok());
        for (raw, existing) in [("klingon!", &full[..0]), ("EN", &full[..0]), ("fr", &full[..])] {
            let mut check = Checker::new();
            check_language(&mut check, "cluster", raw, "en", existing);
            assert!(check.finish().is_err(), "{raw}");
        }
        let mut check = Checker::new();
        check_language(&mut check, "cluster", "ad", "en", &full);
        assert!(check.finish().is_ok(), "a language it has is replaced, not added");
    }

    #[test]
    fn the_reader_gets_the_best_translation_or_none() {
        let stored = || vec![row("zh-Hant")];
        let pick = |h: &str| negotiate(&Preference::from_accept_language(h), "en", stored()).map(|t| t.language);
        assert_eq!(pick("zh-TW"), Some("zh-Hant".into()));
        assert_eq!(pick("en, zh-Hant;q=0.5"), None);
        assert_eq!(pick("fr"), None);
        assert_eq!(pick(""), None);
    }
}
