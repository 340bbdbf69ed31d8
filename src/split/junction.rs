//! Sentence ends and junctions: is a paragraph cut mid-sentence, and does the next one
//! continue it?
//!
//! For: the pure text tests behind the join repair. Not for: walking articles (see `repair`).

use std::cell::OnceCell;

use jieba_rs::Jieba;

/// Closing marks that end a Chinese sentence by themselves (a closing quote or bracket).
const CJK_CLOSERS: &[char] = &['”', '’', '」', '』', '）', '》', '】'];
/// Punctuation that ends a sentence.
const ENDS: &[char] = &['。', '！', '？', '…', '；', '.', '!', '?', ';', '．'];
/// Closers allowed after an English sentence end.
const ASCII_CLOSERS: &[char] = &['"', '\'', ')', ']', '”', '’'];
/// Punctuation after which a clause must go on. A colon is not one: a paragraph ending in `：`
/// introduces the next (a list, a quotation) and is printed as its own paragraph.
const CLAUSE: &[char] = &['，', ',', '、', '—', '–', '-', '(', '（', '“', '‘', '《'];
/// Characters that cannot open a Chinese sentence (particles and closing punctuation).
const NON_INITIAL: &[char] = &[
    '的', '地', '得', '了', '着', '过', '们', '，', '。', '、', '；', '：', '！', '？', '”', '’',
    '」', '』', '）', '》', ',', '.', ';', ':', '!', '?', ')', ']', '}',
];

/// True when `text` ends a sentence (so it is not cut).
pub(crate) fn ends_sentence(text: &str) -> bool {
    let text = text.trim_end();
    if text.ends_with(CJK_CLOSERS) {
        return true;
    }
    text.trim_end_matches(ASCII_CLOSERS).ends_with(ENDS)
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2ffff}')
}

/// Decides whether `next` continues the cut paragraph `cut`; holds the dictionary, loaded
/// only when a Chinese junction needs it.
#[derive(Default)]
pub(crate) struct Junction {
    jieba: OnceCell<Jieba>,
}

impl Junction {
    /// NO when the cut ends in a colon (it introduces what follows); YES when the cut ends in
    /// clause punctuation or a hyphen, when `next` opens with a
    /// character that cannot start a sentence, an unmatched closing quote/bracket or a
    /// lowercase letter, or when a dictionary word spans the junction. Otherwise NO.
    pub(crate) fn continues(&self, cut: &str, next: &str) -> bool {
        let (cut, next) = (cut.trim_end(), next.trim_start());
        let (Some(last), Some(first)) = (cut.chars().last(), next.chars().next()) else {
            return false;
        };
        if ends_with_colon(cut) {
            return false;
        }
        CLAUSE.contains(&last)
            || NON_INITIAL.contains(&first)
            || first.is_lowercase()
            || opens_with_unmatched_closer(next)
            || (is_cjk(last) && is_cjk(first) && self.word_spans(cut, next))
    }

    fn word_spans(&self, cut: &str, next: &str) -> bool {
        let tail: String = {
            let chars: Vec<char> = cut.chars().rev().take_while(|&c| is_cjk(c)).take(4).collect();
            chars.into_iter().rev().collect()
        };
        let head: String = next.chars().take_while(|&c| is_cjk(c)).take(4).collect();
        let boundary = tail.chars().count();
        let joined = format!("{tail}{head}");
        let jieba = self.jieba.get_or_init(Jieba::new);
        let tokens = jieba.cut(&joined, false);
        tokens.iter().any(|token| token.start < boundary && token.end > boundary)
    }
}

/// A paragraph ending in `：` or `:` introduces the next one; it is not cut.
pub(crate) fn ends_with_colon(text: &str) -> bool {
    text.trim_end().ends_with(['：', ':'])
}

fn opens_with_unmatched_closer(text: &str) -> bool {
    for c in text.chars() {
        match c {
            '“' | '「' | '『' | '（' | '(' | '《' => return false,
            '”' | '」' | '』' | '）' | ')' | '》' => return true,
            _ => {}
        }
    }
    false
}

/// Joins a cut paragraph and its continuation: Chinese directly, English with a space, a
/// hyphenated word (`infra-` + `structure`) without its hyphen.
pub(crate) fn join_text(cut: &str, next: &str) -> String {
    let (cut, next) = (cut.trim_end(), next.trim_start());
    let last = cut.chars().last().unwrap_or(' ');
    let first = next.chars().next().unwrap_or(' ');
    let before_hyphen = cut.strip_suffix('-').and_then(|s| s.chars().last());
    if before_hyphen.is_some_and(char::is_alphabetic) && first.is_lowercase() {
        return format!("{}{next}", &cut[..cut.len() - 1]);
    }
    if is_cjk(last) || is_cjk(first) || !last.is_ascii() || !first.is_ascii() {
        return format!("{cut}{next}");
    }
    format!("{cut} {next}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_ends() {
        assert!(ends_sentence("市纪委监委派驻负责人参加会议。"));
        assert!(ends_sentence("的赋能。”"));
        assert!(ends_sentence("He said \"no.\""));
        assert!(!ends_sentence("清洗、标"));
        assert!(!ends_sentence("的方式,"));
        assert!(!ends_sentence("infra-"));
    }

    #[test]
    fn junctions_from_the_sample() {
        let j = Junction::default();
        assert!(j.continues("鼓励企业开展数据采集、清洗、标", "注、质检等业务"));
        assert!(j.continues("培育和发展新质生产", "力发挥着越来越重要的作用"));
        assert!(j.continues("实现对版权流转效率", "的赋能。”青岛"));
        assert!(j.continues("的方式,", "降低算力使用门槛"));
        assert!(!j.continues("别看现场仅有绿幕", "创新是引领发展的第一动力"));
        assert!(!j.continues("主要措施包括：", "一、加快建设。"));
        assert!(!j.continues("He listed three steps:", "first, the piers."));
    }

    #[test]
    fn english_junctions() {
        let j = Junction::default();
        assert!(j.continues("new infra-", "structure for the port."));
        assert!(j.continues("the council voted", "on Tuesday night."));
        assert!(!j.continues("The mayor said", "The council voted."));
        assert_eq!(join_text("new infra-", "structure"), "new infrastructure");
        assert_eq!(join_text("council voted", "on"), "council voted on");
        assert_eq!(join_text("清洗、标", "注、质检"), "清洗、标注、质检");
    }
}
