//! HTML: one self-contained page (inline CSS, no external resources) that shows highlights
//! in their colours and prints well.

use std::fmt::Write as _;

use crate::annotate::{Color, Mark};
use crate::outline::NodeKind;

use super::report::{Item, Report, Section, SectionKind, clean_text, color_hex};

/// The report as an HTML page.
pub(crate) fn render(r: &Report) -> String {
    let l = r.labels;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"Pizhu\">\n<title>{} · {}</title>\n<style>\n{}</style>\n\
         </head>\n<body>\n<header>\n<h1>{}</h1>\n<ul class=\"meta\">\n",
        l.html_lang,
        esc(r.title),
        esc(r.kind_name()),
        css(r.collection.is_some()),
        esc(r.title)
    );
    for line in r.header_lines() {
        let _ = writeln!(out, "<li>{}</li>", esc(&line));
    }
    out.push_str("</ul>\n</header>\n<main>\n");
    if r.is_outline() {
        outline(r, &mut out);
    } else {
        for s in &r.sections {
            let level = (usize::from(s.depth) + 1).min(6);
            let class = if s.kind == SectionKind::Unplaced {
                " class=\"unplaced\""
            } else {
                ""
            };
            let _ = writeln!(out, "<h{level}{class}>{}</h{level}>", esc(&s.label));
            for line in r.section_lines(s) {
                let _ = writeln!(out, "<p class=\"source\">{}</p>", esc(&line));
            }
            for item in &s.items {
                annotation(r, item, &mut out);
            }
        }
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// Text escaped for HTML (also in attributes), line breaks as `<br>`.
fn esc(s: &str) -> String {
    let clean = clean_text(s);
    let escaped = quick_xml::escape::escape(clean.as_ref());
    escaped.replace("\r\n", "\n").replace('\n', "<br>\n")
}

/// The CSS class of a colour.
fn class(color: Color) -> &'static str {
    color.name()
}

/// One annotation: the quote in its colour, what and where, note, tags.
fn annotation(r: &Report, item: &Item, out: &mut String) {
    let a = item.a;
    if item.is_section_note() {
        out.push_str("<div class=\"item section-note\">\n");
    } else {
        out.push_str("<div class=\"item\">\n");
        let (tag, kind) = match a.mark {
            Mark::Fill => ("mark", "fill"),
            Mark::Underline => ("span", "underline"),
        };
        let c = class(a.color);
        let _ = writeln!(
            out,
            "<blockquote class=\"{c}\"><{tag} class=\"{kind} {c}\">{}</{tag}></blockquote>",
            esc(&a.quote)
        );
    }
    let _ = writeln!(out, "<p class=\"info\">{}</p>", esc(&r.meta(item)));
    let note = a.note.trim();
    if !note.is_empty() {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", esc(note));
    }
    // Tags the note already shows as `#标签` are not written again.
    let extra = Report::extra_hashtags(item, str::to_owned);
    if !extra.is_empty() {
        let tags: Vec<String> = extra
            .split(' ')
            .map(|t| format!("<span class=\"tag\">{}</span>", esc(t)))
            .collect();
        let _ = writeln!(out, "<p class=\"tags\">{}</p>", tags.join(" "));
    }
    out.push_str("</div>\n");
}

/// The outline as nested lists, annotations inside their node's entry.
fn outline(r: &Report, out: &mut String) {
    let mut depth = 0usize;
    for s in &r.sections {
        let k = usize::from(s.depth).clamp(1, depth + 1);
        if k > depth {
            out.push_str(if depth == 0 {
                "<ul class=\"outline\">\n"
            } else {
                "\n<ul>\n"
            });
            depth = k;
        } else {
            out.push_str("</li>\n");
            while depth > k {
                out.push_str("</ul>\n</li>\n");
                depth -= 1;
            }
        }
        entry(r, s, out);
    }
    if depth > 0 {
        out.push_str("</li>\n");
        while depth > 1 {
            out.push_str("</ul>\n</li>\n");
            depth -= 1;
        }
        out.push_str("</ul>\n");
    }
}

/// One outline entry (left open: its children follow).
fn entry(r: &Report, s: &Section, out: &mut String) {
    match (r.node(s), s.kind) {
        (Some(node), _) if node.kind == NodeKind::Point => {
            let _ = write!(
                out,
                "<li><span class=\"node point\"><span class=\"marker\">{}</span> {}</span>",
                esc(&node.marker),
                esc(&node.title)
            );
        }
        (_, SectionKind::Unplaced) => {
            let _ = write!(
                out,
                "<li><span class=\"node unplaced\">{}</span>",
                esc(&s.label)
            );
        }
        _ => {
            let _ = write!(out, "<li><span class=\"node\">{}</span>", esc(&s.label));
        }
    }
    if !s.items.is_empty() {
        out.push('\n');
        for item in &s.items {
            annotation(r, item, out);
        }
    }
}

/// The page's style sheet: screen and print, highlight colours (and a collection's
/// source lines under each document).
fn css(collection: bool) -> String {
    let mut css = String::from(
        "* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }\n\
         html { color-scheme: light; }\n\
         body { font-family: \"Songti SC\", \"Noto Serif CJK SC\", \"Source Han Serif SC\", SimSun, \"宋体\", serif;\n\
         \x20 line-height: 1.8; color: #222; background: #fff; max-width: 46em; margin: 2em auto; padding: 0 1.5em; }\n\
         h1, h2, h3, h4, h5, h6, .node { font-family: \"PingFang SC\", \"Noto Sans CJK SC\", \"Source Han Sans SC\", \"Microsoft YaHei\", SimHei, \"黑体\", sans-serif; }\n\
         h1, h2, h3, h4, h5, h6 { line-height: 1.4; break-after: avoid; page-break-after: avoid; }\n\
         h1 { font-size: 1.6em; text-align: center; margin-bottom: .3em; }\n\
         h2 { font-size: 1.3em; margin-top: 1.6em; }\n\
         h3 { font-size: 1.15em; } h4, h5, h6 { font-size: 1em; }\n\
         h2.unplaced, .node.unplaced { color: #a33; }\n\
         header .meta { list-style: none; padding: 0; margin: 0 0 2em; color: #666; font-size: .9em; text-align: center; }\n\
         .item { margin: .8em 0 1.3em; break-inside: avoid; page-break-inside: avoid; }\n\
         blockquote { margin: 0; padding: .1em 0 .1em .9em; border-left: 4px solid #ccc; }\n\
         mark.fill { color: inherit; padding: .1em 0; -webkit-box-decoration-break: clone; box-decoration-break: clone; }\n\
         span.underline { text-decoration-line: underline; text-decoration-thickness: .2em; text-underline-offset: .25em; }\n\
         .info { color: #777; font-size: .85em; margin: .2em 0 0 1.2em; }\n\
         .section-note .info { margin-left: 0; }\n\
         .note { margin: .3em 0 0 1.2em; }\n\
         .section-note .note { margin-left: 0; }\n\
         .tags { margin: .2em 0 0 1.2em; font-size: .9em; }\n\
         .tag { color: #2a5db0; }\n\
         ul.outline, ul.outline ul { list-style: none; padding-left: 1.6em; margin: 0; }\n\
         ul.outline { padding-left: 0; }\n\
         ul.outline li { margin: .25em 0; }\n\
         ul.outline > li > .node { font-weight: bold; }\n\
         ul.outline .item { margin-left: 1.6em; }\n\
         .node .marker { color: #666; }\n\
         @page { margin: 2cm; }\n\
         @media print { body { max-width: none; margin: 0; padding: 0; } }\n",
    );
    if collection {
        css.push_str(".source { color: #666; font-size: .9em; margin: -.4em 0 1em; }\n");
    }
    for color in Color::ALL {
        let (c, hex) = (class(color), color_hex(color));
        let _ = writeln!(
            css,
            "blockquote.{c} {{ border-left-color: #{hex}; }} mark.fill.{c} {{ background-color: #{hex}; }} span.underline.{c} {{ text-decoration-color: #{hex}; }}"
        );
    }
    css
}
