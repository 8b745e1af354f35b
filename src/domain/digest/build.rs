//! The digest builder's pure core: from a week's items and one subscriber's topics and
//! language, the items it gets, each in the best language it is written in; and the view the
//! templates render (the general web view is the same for a reader with no topics, in English).
//! No database here, so it is tested on plain data.

use chrono::{DateTime, Utc};
use entity::digest_subscriber_topic::TopicKind;
use serde::Serialize;

use super::content::{Item, Section, Text};
use crate::domain::locale::{LanguageTag, Preference};

/// What a subscriber follows; an empty list of a kind takes all of that kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Topics {
    pub ecosystems: Vec<String>,
    pub countries: Vec<String>,
    /// `NEWS`, `EVENT`, `CALL`: narrows the sections of posts only.
    pub post_kinds: Vec<String>,
    /// Languages posts are written in (a post written or translated in one of them, or in a
    /// language that extends one: `zh` takes `zh-Hant`); narrows posts only.
    pub languages: Vec<LanguageTag>,
}

impl Topics {
    /// From (kind, value) rows, as `digest_subscriber_topic` stores them; a language that is not
    /// a tag is left out.
    pub fn from_rows(rows: impl IntoIterator<Item = (TopicKind, String)>) -> Self {
        let mut topics = Topics::default();
        for (kind, value) in rows {
            match kind {
                TopicKind::Ecosystem => topics.ecosystems.push(value),
                TopicKind::Country => topics.countries.push(value.to_ascii_uppercase()),
                TopicKind::PostKind => topics.post_kinds.push(value.to_ascii_uppercase()),
                TopicKind::Language => topics.languages.extend(LanguageTag::parse(&value)),
            }
        }
        topics
    }

    /// Whether an item is about what the subscriber follows.
    pub fn wants(&self, item: &Item) -> bool {
        let any = |wanted: &[String], has: &[String]| wanted.is_empty() || has.iter().any(|h| wanted.contains(h));
        if !any(&self.ecosystems, &item.ecosystems) || !any(&self.countries, &item.countries) {
            return false;
        }
        let Some(kind) = item.section.post_kind() else {
            return true;
        };
        let kind_wanted = self.post_kinds.is_empty() || self.post_kinds.iter().any(|k| k == kind);
        let language_wanted = self.languages.is_empty()
            || item.texts.iter().any(|text| {
                LanguageTag::parse(&text.language)
                    .is_some_and(|tag| self.languages.iter().any(|wanted| tag.extends(wanted.as_str())))
            });
        kind_wanted && language_wanted
    }
}

/// An item's text in the best language for `language` (RFC 4647 lookup), else its primary text.
pub fn text_in<'a>(item: &'a Item, language: &LanguageTag) -> &'a Text {
    let tags: Vec<Option<LanguageTag>> = item.texts.iter().map(|t| LanguageTag::parse(&t.language)).collect();
    let Some(Some(primary)) = tags.first() else {
        return &item.texts[0];
    };
    let others: Vec<LanguageTag> = tags[1..].iter().flatten().cloned().collect();
    let picked = Preference::only(language.clone()).pick(primary, &others);
    item.texts
        .iter()
        .find(|t| t.language == picked.as_str())
        .unwrap_or(&item.texts[0])
}

/// One item as a template shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ItemView {
    pub title: String,
    pub summary: Option<String>,
    /// The language of title and summary.
    pub language: String,
    /// A date (`2026-12-10`) with what it is (starts, deadline, open until).
    pub when: Option<String>,
    pub place: Option<String>,
    pub link: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SectionView {
    pub heading: &'static str,
    pub items: Vec<ItemView>,
}

/// What `digest.html` and `digest.txt` render.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DigestView {
    pub title: String,
    pub language: String,
    pub week: String,
    /// The week's first and last day (`2026-11-23`, `2026-11-29`).
    pub first_day: String,
    pub last_day: String,
    pub sections: Vec<SectionView>,
    pub item_count: usize,
    pub web_url: String,
    /// None on the web view; a subscriber's one-click unsubscribe link in a mail.
    pub unsubscribe_url: Option<String>,
}

/// Whether the headings are written in Chinese: the platform's other language (CNFI's members).
fn chinese(language: &LanguageTag) -> bool {
    language.extends("zh")
}

fn heading(section: Section, zh: bool) -> &'static str {
    match (section, zh) {
        (Section::News, false) => "News",
        (Section::Event, false) => "Upcoming events",
        (Section::Call, false) => "Open calls",
        (Section::SuccessStory, false) => "New success stories",
        (Section::Partnership, false) => "New partnerships",
        (Section::PartnerSearch, false) => "New partner searches",
        (Section::News, true) => "新聞",
        (Section::Event, true) => "即將舉行的活動",
        (Section::Call, true) => "開放中的徵件",
        (Section::SuccessStory, true) => "新的成功案例",
        (Section::Partnership, true) => "新的合作夥伴關係",
        (Section::PartnerSearch, true) => "新的夥伴搜尋",
    }
}

fn when(section: Section, at: Option<DateTime<Utc>>, zh: bool) -> Option<String> {
    let day = at?.format("%Y-%m-%d").to_string();
    let label = match (section, zh) {
        (Section::Event, false) => "Starts",
        (Section::Call, false) => "Deadline",
        (Section::PartnerSearch, false) => "Open until",
        (Section::Event, true) => "開始",
        (Section::Call, true) => "截止",
        (Section::PartnerSearch, true) => "有效至",
        _ => return Some(day),
    };
    Some(format!("{label} {day}"))
}

/// The subject line of a week's digest mail.
pub fn subject(week: &str, language: &LanguageTag) -> String {
    if chinese(language) {
        format!("ECCP 每週摘要 {week}")
    } else {
        format!("ECCP weekly digest {week}")
    }
}

/// The week as a reader of `language` with `topics` gets it: the wanted items by section, each
/// in the best of its languages. Sections without items are left out.
pub fn view(
    week: super::week::Week,
    items: &[Item],
    topics: &Topics,
    language: &LanguageTag,
    web_url: String,
    unsubscribe_url: Option<String>,
) -> DigestView {
    let zh = chinese(language);
    let sections: Vec<SectionView> = Section::ALL
        .iter()
        .filter_map(|&section| {
            let items: Vec<ItemView> = items
                .iter()
                .filter(|item| item.section == section && topics.wants(item))
                .map(|item| {
                    let text = text_in(item, language);
                    ItemView {
                        title: text.title.clone(),
                        summary: text.summary.clone(),
                        language: text.language.clone(),
                        when: when(section, item.when, zh),
                        place: item.place.clone(),
                        link: item.link.clone(),
                    }
                })
                .collect();
            (!items.is_empty()).then(|| SectionView {
                heading: heading(section, zh),
                items,
            })
        })
        .collect();
    let week_name = week.to_string();
    DigestView {
        title: subject(&week_name, language),
        language: language.to_string(),
        week: week_name,
        first_day: week.starts_at().format("%Y-%m-%d").to_string(),
        last_day: (week.ends_at() - chrono::Duration::days(1))
            .format("%Y-%m-%d")
            .to_string(),
        item_count: sections.iter().map(|s| s.items.len()).sum(),
        sections,
        web_url,
        unsubscribe_url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::digest::week::Week;

    fn item(section: Section, title: &str, ecosystems: &[&str], countries: &[&str], languages: &[&str]) -> Item {
        Item {
            section,
            id: uuid::Uuid::now_v7(),
            texts: languages
                .iter()
                .map(|l| Text {
                    language: (*l).into(),
                    title: format!("{title} [{l}]"),
                    summary: None,
                })
                .collect(),
            ecosystems: ecosystems.iter().map(|s| (*s).into()).collect(),
            countries: countries.iter().map(|s| (*s).into()).collect(),
            when: None,
            place: None,
            link: None,
        }
    }

    fn tag(s: &str) -> LanguageTag {
        LanguageTag::parse(s).expect("a tag")
    }

    #[test]
    fn topics_narrow_and_languages_pick() {
        let items = vec![
            item(Section::News, "Taipei", &["DIGITAL"], &["TW"], &["en", "zh-Hant"]),
            item(Section::Call, "Horizon", &["HEALTH"], &["DE"], &["en"]),
            item(Section::Partnership, "ESCP", &["DIGITAL"], &["DE", "TW"], &["en"]),
        ];
        let week = Week::parse("2026-W48").expect("a week");
        let titles = |topics: &Topics, language: &str| -> Vec<String> {
            view(week, &items, topics, &tag(language), String::new(), None)
                .sections
                .iter()
                .flat_map(|s| s.items.iter().map(|i| i.title.clone()))
                .collect()
        };
        assert_eq!(
            titles(&Topics::default(), "en"),
            ["Taipei [en]", "Horizon [en]", "ESCP [en]"]
        );
        assert_eq!(
            titles(&Topics::default(), "zh-TW"),
            ["Taipei [zh-Hant]", "Horizon [en]", "ESCP [en]"]
        );
        let digital = Topics::from_rows([(TopicKind::Ecosystem, "DIGITAL".into())]);
        assert_eq!(titles(&digital, "en"), ["Taipei [en]", "ESCP [en]"]);
        let calls_in_de = Topics::from_rows([(TopicKind::PostKind, "CALL".into()), (TopicKind::Country, "de".into())]);
        assert_eq!(titles(&calls_in_de, "en"), ["Horizon [en]", "ESCP [en]"]);
        let chinese_posts = Topics::from_rows([(TopicKind::Language, "zh".into())]);
        assert_eq!(titles(&chinese_posts, "fr"), ["Taipei [en]", "ESCP [en]"]);
        let nothing = Topics::from_rows([(TopicKind::Country, "FR".into())]);
        assert_eq!(
            view(week, &items, &nothing, &tag("en"), String::new(), None).item_count,
            0
        );
    }
}
