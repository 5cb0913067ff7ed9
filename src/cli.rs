//! The command line: `pizhu outline`, `pizhu stats`, on top of the same core as the window.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};
use serde::Serialize;

use crate::document::{Document, OpenError};
use crate::outline::{NodeKind, Outline, outline};
use crate::stats::{DEFAULT_RATE_CHARS_PER_MIN, Stats, format_duration, stats};

/// 批注 Pizhu — read speeches, reports and official documents; see their outline.
#[derive(Debug, Parser)]
#[command(name = "pizhu", version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// Document to open in the reading window (.txt, .md, .docx).
    pub file: Option<PathBuf>,
    /// Folder for highlights, notes and reading positions (default: the per-user data
    /// folder, or `PIZHU_DATA_DIR`).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// What to do instead of opening the window.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the outline (提纲) of a document.
    Outline {
        /// The document (.txt in any common encoding, .md, .docx).
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutlineFormat::Text)]
        format: OutlineFormat,
    },
    /// Count 字数, paragraphs and speaking time, for the document and each top-level section.
    Stats {
        /// The document (.txt in any common encoding, .md, .docx).
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = StatsFormat::Text)]
        format: StatsFormat,
        /// Speaking rate in characters per minute.
        #[arg(long, default_value_t = DEFAULT_RATE_CHARS_PER_MIN, value_parser = clap::value_parser!(u32).range(1..=2000))]
        rate: u32,
    },
}

/// Formats of `pizhu outline`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutlineFormat {
    /// An indented tree.
    Text,
    /// JSON with char offsets.
    Json,
    /// A Markdown list.
    Markdown,
}

/// Formats of `pizhu stats`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    /// A readable table.
    Text,
    /// JSON.
    Json,
}

/// A failure that the command line reports on one line.
#[derive(Debug, thiserror::Error)]
#[error("{message}: {}", path.display())]
pub struct CliError {
    message: String,
    path: PathBuf,
}

/// Open a document, turning failure into a one-line message that ends with the path.
pub fn open(path: &Path) -> Result<Document, CliError> {
    Document::open(path).map_err(|e: OpenError| CliError {
        message: format!("cannot open document: {e}"),
        path: path.to_owned(),
    })
}

/// Run a subcommand, returning what it prints on stdout.
pub fn run(command: &Command, data_dir: Option<&Path>) -> Result<String, CliError> {
    let _ = data_dir;
    match command {
        Command::Outline { file, format } => {
            let doc = open(file)?;
            let outline = outline(&doc);
            Ok(match format {
                OutlineFormat::Text => outline_text(&outline),
                OutlineFormat::Markdown => outline_markdown(&outline),
                OutlineFormat::Json => outline_json(&doc, &outline),
            })
        }
        Command::Stats { file, format, rate } => {
            let doc = open(file)?;
            let outline = outline(&doc);
            let stats = stats(&doc, &outline, *rate);
            Ok(match format {
                StatsFormat::Text => stats_text(&outline, &stats),
                StatsFormat::Json => json_line(&stats),
            })
        }
    }
}

fn json_line<T: Serialize>(value: &T) -> String {
    // Serialising plain data structs cannot fail.
    let mut s = serde_json::to_string_pretty(value).unwrap_or_default();
    s.push('\n');
    s
}

/// The outline as an indented tree: headings as written, points after a bullet.
pub fn outline_text(outline: &Outline) -> String {
    let mut out = String::new();
    if let Some(title) = &outline.title {
        let _ = writeln!(out, "{title}");
    }
    for node in &outline.nodes {
        let indent = "  ".repeat(usize::from(node.depth.saturating_sub(1)));
        match node.kind {
            NodeKind::Heading => {
                let _ = writeln!(out, "{indent}{}", heading_label(&node.marker, &node.title));
            }
            NodeKind::Point => {
                let _ = writeln!(out, "{indent}· {}：{}", node.marker, node.title);
            }
        }
    }
    out
}

/// Markers that end in their own separator (`一、`, `（一）`, `1.`) read well glued to the title.
fn is_glued_marker(marker: &str) -> bool {
    marker.ends_with(['、', '）', ')', '.', '．', '］', ']', '】']) || marker.chars().count() == 1
}

/// A heading as a reader writes it: `一、总体要求`, `附件1 十件实事`, `总体要求`.
pub fn heading_label(marker: &str, title: &str) -> String {
    let sep = if marker.is_empty() || is_glued_marker(marker) {
        ""
    } else {
        " "
    };
    format!("{marker}{sep}{title}")
}

/// The outline as a nested Markdown list, the document title as a heading.
pub fn outline_markdown(outline: &Outline) -> String {
    let mut out = String::new();
    if let Some(title) = &outline.title {
        let _ = writeln!(out, "# {title}\n");
    }
    for node in &outline.nodes {
        let indent = "  ".repeat(usize::from(node.depth.saturating_sub(1)));
        let text = match node.kind {
            NodeKind::Heading => heading_label(&node.marker, &node.title),
            NodeKind::Point => format!("*{}*：{}", node.marker, node.title),
        };
        let _ = writeln!(out, "{indent}- {}", escape_markdown(&text));
    }
    out
}

fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '`' | '[' | ']' | '<' | '>' | '#' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[derive(Serialize)]
struct JsonOutline<'a> {
    title: Option<&'a str>,
    encoding: &'a str,
    chars: usize,
    nodes: Vec<JsonNode<'a>>,
    placeholders: Vec<JsonPlaceholder<'a>>,
    boilerplate: Vec<JsonRange>,
}

#[derive(Serialize)]
struct JsonNode<'a> {
    depth: u8,
    kind: NodeKind,
    marker: &'a str,
    title: &'a str,
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct JsonPlaceholder<'a> {
    text: &'a str,
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct JsonRange {
    start: usize,
    end: usize,
}

/// The outline as JSON with char offsets (see the README for the schema).
pub fn outline_json(doc: &Document, outline: &Outline) -> String {
    let value = JsonOutline {
        title: outline.title.as_deref(),
        encoding: &doc.encoding,
        chars: doc.char_count,
        nodes: outline
            .nodes
            .iter()
            .map(|n| JsonNode {
                depth: n.depth,
                kind: n.kind,
                marker: &n.marker,
                title: &n.title,
                start: n.range.start,
                end: n.range.end,
            })
            .collect(),
        placeholders: outline
            .placeholders
            .iter()
            .map(|p| JsonPlaceholder {
                text: &p.text,
                start: p.range.start,
                end: p.range.end,
            })
            .collect(),
        boilerplate: outline
            .boilerplate
            .iter()
            .map(|b| JsonRange {
                start: b.range.start,
                end: b.range.end,
            })
            .collect(),
    };
    json_line(&value)
}

/// Stats as a small table.
pub fn stats_text(outline: &Outline, stats: &Stats) -> String {
    let mut out = String::new();
    if let Some(title) = &outline.title {
        let _ = writeln!(out, "{title}");
    }
    let t = &stats.total;
    let _ = writeln!(
        out,
        "全文\t字数 {}\t段落 {}\t讲话时长 {}（每分钟 {} 字）",
        t.words,
        t.paragraphs,
        format_duration(t.speaking_seconds),
        stats.rate_chars_per_min
    );
    for s in &stats.sections {
        let c = &s.counts;
        let _ = writeln!(
            out,
            "{}\t字数 {}\t段落 {}\t讲话时长 {}",
            heading_label(&s.marker, &s.title),
            c.words,
            c.paragraphs,
            format_duration(c.speaking_seconds)
        );
    }
    out
}
