//! The extract of a search document shown with a hit: the first match of the query, in
//! [brackets], with some context. The same on both engines.

use std::collections::HashSet;

use super::words;

fn trigrams(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    chars
        .windows(3)
        .map(|w| w.iter().collect())
        .collect::<HashSet<String>>()
        .into_iter()
        .collect()
}

/// A short extract of `document` around the first match of `query`, the match in [brackets].
pub fn highlight(document: &str, query: &str) -> Option<String> {
    const CONTEXT: usize = 40;
    let lower = document.to_lowercase();
    // Lower-casing can change byte lengths outside ASCII; search char-wise to stay on boundaries.
    let doc_chars: Vec<char> = document.chars().collect();
    let lower_chars: Vec<char> = lower.chars().collect();
    if doc_chars.len() != lower_chars.len() {
        return None;
    }
    let mut best: Option<(usize, usize)> = None;
    for word in words(query) {
        let w: Vec<char> = word.chars().collect();
        let found = find(&lower_chars, &w).map(|i| (i, w.len())).or_else(|| {
            // A typo: mark the longest trigram that does appear.
            trigrams(&word)
                .into_iter()
                .filter_map(|g| {
                    let g: Vec<char> = g.chars().collect();
                    find(&lower_chars, &g).map(|i| (i, g.len()))
                })
                .min_by_key(|(i, _)| *i)
        });
        if let Some(f) = found {
            if best.is_none_or(|b| f.0 < b.0) {
                best = Some(f);
            }
        }
    }
    let (start, len) = best?;
    let from = start.saturating_sub(CONTEXT);
    let to = (start + len + CONTEXT).min(doc_chars.len());
    let text: String = [
        if from > 0 { "…" } else { "" }.to_owned(),
        doc_chars[from..start].iter().collect(),
        "[".to_owned(),
        doc_chars[start..start + len].iter().collect(),
        "]".to_owned(),
        doc_chars[start + len..to].iter().collect(),
        if to < doc_chars.len() { "…" } else { "" }.to_owned(),
    ]
    .concat();
    Some(text)
}

fn find(haystack: &[char], needle: &[char]) -> Option<usize> {
    if needle.is_empty() || needle.len() > haystack.len() {
        return None;
    }
    (0..=haystack.len() - needle.len()).find(|&i| haystack[i..i + needle.len()] == *needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_mark_the_match() {
        let doc = "Taiwan Aerospace Industry Association · 台灣區航太工業同業公會 · TAIA";
        assert_eq!(
            highlight(doc, "航太").as_deref(),
            Some("…wan Aerospace Industry Association · 台灣區[航太]工業同業公會 · TAIA")
        );
        let typo = highlight(doc, "aerospce").unwrap();
        assert!(typo.contains("[Aer]"), "{typo}");
    }
}
