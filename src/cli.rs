//! The command line: `pizhu outline`, `pizhu stats`, `pizhu highlight`, `pizhu notes`, on
//! top of the same core as the window.

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::annotate::{
    Annotation, AnnotationSet, Color, Edit, Filter, Kind, Mark, clean_tag, now_ms,
};
use crate::document::{Document, OpenError, TextRange};
use crate::export::{NotesDocument, notes_json, one_line_quote, outline_json};
// The listings the subcommands print live with the exports (and stats); these two are
// also named here for the callers that still use them by this path.
use crate::export::{notes_text, outline_text};
use crate::outline::label::{PATH_SEPARATOR, section_path};
use crate::outline::{Outline, outline};
use crate::stats::{DEFAULT_RATE_CHARS_PER_MIN, stats, stats_json, stats_text};
use crate::store::annotations::{DocStore, StoreError, data_dir as resolve_data_dir};

mod batch;
mod corrections;
mod library;

pub use library::{AllArgs, LibraryFormat};

mod annotated;

pub use annotated::AnnotatedArgs;

/// 批注 Pizhu — read speeches, reports and official documents; see their outline.
#[derive(Debug, Parser)]
#[command(
    name = "pizhu",
    version,
    about,
    override_usage = "pizhu [OPTIONS] [FILE]\n       pizhu [OPTIONS] <COMMAND>"
)]
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

impl Cli {
    /// Parse the process's arguments (exiting with clap's message on a usage error).
    ///
    /// `--data-dir` is global, so it may stand before or after a subcommand; a document to
    /// open in the window cannot be combined with a subcommand.
    pub fn parse_args() -> Cli {
        use clap::CommandFactory as _;
        let cli = Cli::parse();
        if let (Some(file), Some(_)) = (&cli.file, &cli.command) {
            Cli::command()
                .error(
                    clap::error::ErrorKind::ArgumentConflict,
                    format!(
                        "the document '{}' cannot be given before a subcommand; put it after \
                         the subcommand's name",
                        file.display()
                    ),
                )
                .exit();
        }
        if let Some(Command::Export {
            file: None,
            annotated,
            ..
        }) = &cli.command
            && annotated.annotated
        {
            Cli::command()
                .error(
                    clap::error::ErrorKind::ArgumentConflict,
                    "--annotated exports one document: name it instead of --all",
                )
                .exit();
        }
        cli
    }
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
        /// Show topic sentences (段首句): the short first sentences of parallel paragraphs,
        /// each under its heading.
        #[arg(long)]
        topics: bool,
        /// The engine's own outline: without the outline rules (rules.ron) and without the
        /// reader's corrections from the document's notes.
        #[arg(long)]
        no_corrections: bool,
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
        /// Sections of the engine's own outline: without the outline rules (rules.ron) and
        /// without the reader's corrections.
        #[arg(long)]
        no_corrections: bool,
    },
    /// Highlight a passage (the Nth occurrence of a quote) and save it with the document's
    /// notes; or many at once with --batch.
    Highlight {
        /// The document (.txt in any common encoding, .md, .docx).
        file: PathBuf,
        /// The exact text to highlight, as it appears in the document.
        #[arg(long, value_name = "TEXT", required_unless_present = "batch")]
        quote: Option<String>,
        /// Which occurrence of the quote, counting from 1.
        #[arg(long, default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
        nth: u64,
        /// Colour: yellow, green, blue, pink or purple (or 黄, 绿, 蓝, 粉, 紫).
        #[arg(long, default_value = "yellow", value_name = "COLOUR", value_parser = parse_color)]
        color: Color,
        /// A note on the highlight (`#标签` in it become tags).
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
        /// A tag (repeat for several).
        #[arg(long = "tag", value_name = "TAG")]
        tags: Vec<String>,
        /// Add many highlights in one load and one save: a JSON Lines file (`-`: stdin), one
        /// {"quote", "nth", "color", "note", "tags", "mark"} object a line (docs/cli.md);
        /// nothing is saved when any line is bad.
        #[arg(long, value_name = "HIGHLIGHTS.jsonl", conflicts_with_all = ["quote", "nth", "color", "note", "tags"])]
        batch: Option<PathBuf>,
    },
    /// List a document's highlights and notes by section, those not found (未能定位) last;
    /// or, with --all, every document's by document and section; read-only.
    Notes {
        /// The document (.txt in any common encoding, .md, .docx).
        file: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = NotesFormat::Text)]
        format: NotesFormat,
        /// Which annotations.
        #[command(flatten)]
        filter: FilterArgs,
        /// Every document's (with --all), which documents and days.
        #[command(flatten)]
        every: AllArgs,
        /// Sections of the engine's own outline: without the outline rules (rules.ron) and
        /// without the reader's corrections (one document only).
        #[arg(long, conflicts_with = "all")]
        no_corrections: bool,
    },
    /// List the library: every document opened, added or with notes — format, file, dates,
    /// reading progress, highlights, notes, tags, and whether the file is still there;
    /// read-only.
    Library {
        /// Output format.
        #[arg(long, value_enum, default_value_t = LibraryFormat::Text)]
        format: LibraryFormat,
    },
    /// Export a document's highlights and notes (or its outline) as Markdown, text, HTML,
    /// CSV, JSON or Word; text formats go to stdout unless -o is given.
    Export {
        /// The document (.txt in any common encoding, .md, .docx).
        file: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = crate::export::Format::Md)]
        format: crate::export::Format,
        /// Export the outline (提纲) instead of the annotations.
        #[arg(long, conflicts_with = "all")]
        outline: bool,
        /// With --outline: put the highlights under their sections.
        #[arg(long, requires = "outline")]
        with_highlights: bool,
        /// With --outline: each entry in full (Markdown, text, HTML and Word cut long ones
        /// at a clause near 40 chars).
        #[arg(long, requires = "outline")]
        full_titles: bool,
        /// Name the source file by its full path (by default its name only).
        #[arg(long, conflicts_with = "all")]
        full_path: bool,
        /// Which annotations.
        #[command(flatten)]
        filter: FilterArgs,
        /// Every document's (with --all), which documents and days.
        #[command(flatten)]
        every: AllArgs,
        /// With --all: newest first, under a heading for each day, instead of by document
        /// and section.
        #[arg(long, conflicts_with = "file")]
        newest: bool,
        /// Labels in English instead of Chinese.
        #[arg(long)]
        english: bool,
        /// The annotated document instead (--annotated).
        #[command(flatten)]
        annotated: AnnotatedArgs,
        /// Write to this file (atomically) instead of stdout; required for docx.
        #[arg(short = 'o', long = "output", value_name = "OUT")]
        output: Option<PathBuf>,
        /// With -o: replace the file even when it is read-only.
        #[arg(long, requires = "output")]
        force: bool,
        /// Sections of the engine's own outline: without the outline rules (rules.ron) and
        /// without the reader's corrections (one document only).
        #[arg(long, conflicts_with = "all")]
        no_corrections: bool,
    },
    /// Bring back the highlights and notes of the newest backup that can be read (after the
    /// notes file was damaged); nothing kept now is removed.
    Restore {
        /// The document (.txt in any common encoding, .md, .docx).
        file: PathBuf,
    },
}

/// The annotation filter of `pizhu notes` and `pizhu export` (the window's and the exports'
/// filter: [`crate::annotate::Filter`]).
#[derive(Clone, Debug, Default, clap::Args)]
pub struct FilterArgs {
    /// Only this colour (repeat for several).
    #[arg(long = "color", value_name = "COLOUR", value_parser = parse_color)]
    pub colors: Vec<Color>,
    /// Only annotations with this tag (repeat for several: any of them).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Only annotations with a note.
    #[arg(long)]
    pub notes_only: bool,
    /// Only annotations whose quote, note or tags hold this text (ignoring case and
    /// full/half width).
    #[arg(long, visible_alias = "search", value_name = "TEXT")]
    pub query: Option<String>,
}

impl FilterArgs {
    /// The core filter these options ask for.
    pub fn filter(&self) -> Filter {
        Filter {
            colors: self.colors.clone(),
            tags: self.tags.iter().filter_map(|t| clean_tag(t)).collect(),
            notes_only: self.notes_only,
            query: self.query.clone().unwrap_or_default(),
            within: None,
        }
    }
}

/// A colour named on the command line (English or Chinese).
fn parse_color(name: &str) -> Result<Color, String> {
    Color::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Color::ALL.iter().map(|c| c.name()).collect();
        format!(
            "unknown colour; use one of {} (or 黄, 绿, 蓝, 粉, 紫)",
            names.join(", ")
        )
    })
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

/// Formats of `pizhu notes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum NotesFormat {
    /// Readable, grouped under section paths.
    Text,
    /// JSON with char offsets.
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
/// A document opened despite damage (bytes replaced) gets one warning line per place on
/// stderr, ending with the path, and the command goes on.
pub fn open(path: &Path) -> Result<Document, CliError> {
    let doc = Document::open(path).map_err(|e: OpenError| CliError {
        message: format!("cannot open document: {e}"),
        path: path.to_owned(),
    })?;
    for warning in &doc.warnings {
        crate::terminal::eprint_line(&format!("pizhu: warning: {warning}: {}", path.display()));
    }
    for notice in &doc.notices {
        crate::terminal::eprint_line(&format!("pizhu: warning: {notice}: {}", path.display()));
    }
    Ok(doc)
}

/// Run a subcommand, returning what it prints on stdout.
pub fn run(command: &Command, data_dir: Option<&Path>) -> Result<String, CliError> {
    match command {
        Command::Outline {
            file,
            format,
            topics,
            no_corrections,
        } => {
            let doc = open(file)?;
            let outline = if *no_corrections {
                outline(&doc)
            } else {
                corrections::corrected_outline(&doc, || outline(&doc), file, data_dir)?
            };
            let outline = if *topics {
                outline.with_topics()
            } else {
                outline
            };
            Ok(match format {
                OutlineFormat::Text => outline_text(&outline),
                OutlineFormat::Markdown => crate::export::outline_markdown(&outline),
                OutlineFormat::Json => outline_json(&doc, &outline),
            })
        }
        Command::Stats {
            file,
            format,
            rate,
            no_corrections,
        } => {
            let doc = open(file)?;
            let outline = if *no_corrections {
                outline(&doc)
            } else {
                corrections::corrected_outline(&doc, || outline(&doc), file, data_dir)?
            };
            let stats = stats(&doc, &outline, *rate);
            Ok(match format {
                StatsFormat::Text => stats_text(&outline, &stats),
                StatsFormat::Json => stats_json(&stats),
            })
        }
        Command::Highlight {
            file,
            quote,
            nth,
            color,
            note,
            tags,
            batch,
        } => match (batch, quote) {
            (Some(batch), _) => batch::highlight_batch(file, batch, data_dir),
            (None, Some(quote)) => {
                let request = HighlightRequest {
                    quote: quote.clone(),
                    nth: usize::try_from(*nth).unwrap_or(usize::MAX),
                    color: *color,
                    mark: Mark::Fill,
                    note: note.clone().unwrap_or_default(),
                    tags: tags.clone(),
                };
                highlight(file, &request, data_dir)
            }
            (None, None) => Err(fail(
                "name the text to highlight with --quote TEXT, or many with --batch FILE",
                file,
            )),
        },
        Command::Notes {
            file,
            format,
            filter,
            every,
            no_corrections,
        } => match file {
            Some(file) => notes(file, *format, &filter.filter(), *no_corrections, data_dir),
            None => library::notes_all(every, filter, *format, data_dir),
        },
        Command::Library { format } => library::library(*format, data_dir),
        Command::Export {
            file,
            format,
            outline,
            with_highlights,
            full_titles,
            full_path,
            filter,
            every,
            newest,
            english,
            output,
            force,
            annotated,
            no_corrections,
        } => {
            if annotated.annotated
                && let Some(file) = file
            {
                let output = output.as_deref().map(|path| (path, *force));
                return annotated::export(
                    file,
                    annotated,
                    &filter.filter(),
                    *english,
                    output,
                    data_dir,
                );
            }
            let options = crate::export::Options {
                content: if *outline {
                    crate::export::Content::Outline {
                        with_highlights: *with_highlights,
                    }
                } else {
                    crate::export::Content::Annotations
                },
                filter: filter.filter(),
                lang: if *english {
                    crate::export::Lang::En
                } else {
                    crate::export::Lang::Zh
                },
                full_path: *full_path,
                full_titles: *full_titles,
            };
            let output = output.as_deref().map(|path| Output {
                path,
                force: *force,
            });
            match file {
                Some(file) => {
                    let corrected = !*no_corrections;
                    export_command(file, *format, &options, output, corrected, data_dir)
                }
                None => library::export_all(
                    &library::ExportAll {
                        all: every,
                        filter,
                        format: *format,
                        lang: options.lang,
                        newest: *newest,
                        output,
                    },
                    data_dir,
                ),
            }
        }
        Command::Restore { file } => restore(file, data_dir),
    }
}

/// One highlight `pizhu highlight` was asked to add (by `--quote` or a line of `--batch`).
struct HighlightRequest {
    quote: String,
    /// 1-based.
    nth: usize,
    color: Color,
    mark: Mark,
    note: String,
    tags: Vec<String>,
}

/// Why a quote could not be found in the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NotFound {
    /// The quote is empty.
    Empty,
    /// It occurs `count` times (maybe none), fewer than the `nth` asked for.
    PastLast { count: usize, nth: usize },
}

impl NotFound {
    /// The reason in words; `nth_name` names the option or field (`--nth`, `"nth"`).
    fn message(&self, nth_name: &str) -> String {
        match *self {
            NotFound::Empty => "the quote is empty".to_owned(),
            NotFound::PastLast { count: 0, .. } => {
                "the quote does not occur in the document".to_owned()
            }
            NotFound::PastLast { count: 1, nth } => {
                format!("the quote occurs once; {nth_name} {nth} is past the last")
            }
            NotFound::PastLast { count, nth } => {
                format!("the quote occurs {count} times; {nth_name} {nth} is past the last")
            }
        }
    }
}

/// Where the `nth` (1-based) occurrence of each `(quote, nth)` stands in `doc` (a quote's
/// line ends taken as `\n`, as the document's are). Occurrences of a quote are counted as
/// `str::match_indices` counts them: left to right, not overlapping each other. Every quote
/// is found in one pass over the text (Aho–Corasick), so a batch of thousands costs about
/// what one costs.
fn locate_all(doc: &Document, wanted: &[(&str, usize)]) -> Vec<Result<TextRange, NotFound>> {
    use std::collections::HashMap;
    // Each different quote once, with the furthest occurrence asked of it.
    let mut quotes: Vec<String> = Vec::new();
    let mut furthest: Vec<usize> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let keys: Vec<Option<usize>> = wanted
        .iter()
        .map(|&(quote, nth)| {
            let quote = quote.replace("\r\n", "\n").replace('\r', "\n");
            if quote.is_empty() {
                return None;
            }
            let k = *index.entry(quote).or_insert_with_key(|q| {
                quotes.push(q.clone());
                furthest.push(0);
                quotes.len() - 1
            });
            furthest[k] = furthest[k].max(nth);
            Some(k)
        })
        .collect();
    // Per quote: how often it occurs, and where (up to the furthest asked for).
    let mut count = vec![0usize; quotes.len()];
    let mut starts: Vec<Vec<usize>> = vec![Vec::new(); quotes.len()];
    let mut next_free = vec![0usize; quotes.len()];
    let text = doc.text.as_bytes();
    let mut found = |k: usize, start: usize| {
        if start >= next_free[k] {
            next_free[k] = start + quotes[k].len();
            count[k] += 1;
            if starts[k].len() < furthest[k] {
                starts[k].push(start);
            }
        }
    };
    match aho_corasick::AhoCorasick::new(&quotes) {
        Ok(ac) if !quotes.is_empty() => {
            // Overlapping matches come by where they end: for one quote, left to right.
            for m in ac.find_overlapping_iter(text) {
                found(m.pattern().as_usize(), m.start());
            }
        }
        // No quotes, or too many to build one automaton for: one search per quote.
        _ => {
            for (k, quote) in quotes.iter().enumerate() {
                for start in memchr::memmem::find_iter(text, quote.as_bytes()) {
                    found(k, start);
                }
            }
        }
    }
    keys.iter()
        .zip(wanted)
        .map(|(key, &(_, nth))| {
            let k = key.ok_or(NotFound::Empty)?;
            let byte =
                nth.checked_sub(1)
                    .and_then(|i| starts[k].get(i))
                    .ok_or(NotFound::PastLast {
                        count: count[k],
                        nth,
                    })?;
            let start = doc.char_of_byte(*byte);
            Ok(TextRange::new(start, start + quotes[k].chars().count()))
        })
        .collect()
}

/// How many highlights [`add_highlights`] added and left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Added {
    /// New in the store.
    added: usize,
    /// Left out: a highlight over the same range was there already (or earlier in the list).
    already: usize,
    /// The store's outline corrections (for the section path of what was added).
    corrections: Vec<crate::annotate::corrections::Correction>,
}

/// Whether [`add_highlights`] leaves out a range that is highlighted already.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Repeats {
    /// Add every one (`--quote`: the user asked for this highlight, as before).
    Add,
    /// Leave out a range that a placed highlight covers exactly, or an earlier one of the
    /// list (`--batch`: running a batch again adds nothing).
    Skip,
}

/// Add highlights at `ranges` (each with what its request carries) to the notes of `doc`:
/// one load, one save under the store's lock, merged with what another writer saved — the
/// one path of `pizhu highlight` for one highlight and for a batch. Nothing is saved when
/// nothing is new.
fn add_highlights(
    file: &Path,
    doc: &Document,
    title: &str,
    new: &[(TextRange, &HighlightRequest)],
    repeats: Repeats,
    data_dir: Option<&Path>,
) -> Result<Added, CliError> {
    let dir = notes_dir(data_dir, file)?;
    let mut notes = Notes::load(&dir, doc, file, title, Access::Write)?;
    notes.place(doc);
    let mut taken: std::collections::HashSet<TextRange> = notes
        .set
        .items()
        .iter()
        .filter(|a| a.kind == Kind::Highlight && a.is_placed())
        .map(|a| a.range)
        .collect();
    let now = now_ms();
    let mut edits = Vec::with_capacity(new.len());
    let mut count = Added::default();
    for &(range, req) in new {
        if !taken.insert(range) && repeats == Repeats::Skip {
            count.already += 1;
            continue;
        }
        let mut a = Annotation::highlight(doc, range, req.color, now);
        a.mark = req.mark;
        a.note = req.note.clone();
        for tag in req.tags.iter().filter_map(|t| clean_tag(t)) {
            if !a.tags.contains(&tag) {
                a.tags.push(tag);
            }
        }
        edits.push(Edit::Add(a));
        count.added += 1;
    }
    if !edits.is_empty() {
        notes.set.apply(edits, now);
        notes.save()?;
    }
    count.corrections = notes.set.corrections().to_vec();
    // The library lists the document from now on; the notes are saved whatever happens here.
    if let Err(e) = crate::library::record_open(&dir, file, doc, title) {
        crate::terminal::eprint_line(&format!("pizhu: warning: {}", one_line(&e.to_string())));
    }
    Ok(count)
}

fn fail(message: impl Into<String>, path: &Path) -> CliError {
    CliError {
        message: message.into(),
        path: path.to_owned(),
    }
}

/// Line breaks flattened, so a failure stays on one line.
fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

/// The folder the notes live in: `--data-dir`, else `PIZHU_DATA_DIR`, else the per-user one.
fn notes_dir(explicit: Option<&Path>, file: &Path) -> Result<PathBuf, CliError> {
    resolve_data_dir(explicit).ok_or_else(|| {
        fail(
            "no folder for notes was found; name one with --data-dir or PIZHU_DATA_DIR",
            file,
        )
    })
}

/// The title a store records: the document's own, else its file name (as the window does).
fn doc_title(outline: &Outline, file: &Path) -> String {
    outline.title.clone().unwrap_or_else(|| {
        file.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    })
}

/// A store failure of `pizhu highlight` or `pizhu restore`, saying that nothing was saved.
fn store_failure(error: StoreError) -> CliError {
    match error {
        StoreError::Damaged { reason, kept } => fail(
            format!(
                "the notes file could not be read ({}); nothing was saved — the file was kept \
                 aside, and `pizhu restore` brings back the newest backup that can be read",
                one_line(&reason)
            ),
            &kept,
        ),
        StoreError::Partial {
            unreadable,
            total,
            reason,
            path,
            kept: None,
        } => fail(
            format!(
                "{unreadable} of {total} annotations in the notes file could not be read ({}) \
                 and no copy of it could be kept; nothing was saved and the file is left \
                 untouched",
                one_line(&reason)
            ),
            &path,
        ),
        StoreError::Unreadable { reason, path }
        | StoreError::Partial {
            reason,
            kept: Some(path),
            ..
        } => fail(
            format!(
                "the notes file could not be read ({}); nothing was saved and the file is left \
                 untouched",
                one_line(&reason)
            ),
            &path,
        ),
        StoreError::Write { source, path } => fail(
            format!(
                "the notes could not be saved ({}); check that the folder is writable and has \
                 space",
                one_line(&source.to_string())
            ),
            &path,
        ),
    }
}

/// A store problem met by a read-only command (`notes`, `export`): it fails, changes
/// nothing, and points at the newest backup that can be read.
fn read_only_failure(error: &StoreError, store: &DocStore, file: &Path) -> CliError {
    let (what, reason, path) = match error {
        StoreError::Partial {
            unreadable,
            total,
            reason,
            path,
            ..
        } => (
            format!("{unreadable} of {total} annotations in the notes file could not be read"),
            reason,
            path,
        ),
        StoreError::Unreadable { reason, path } => {
            ("the notes file could not be read".to_owned(), reason, path)
        }
        StoreError::Damaged { reason, kept } => {
            ("the notes file could not be read".to_owned(), reason, kept)
        }
        StoreError::Write { path, .. } => {
            return fail(one_line(&error.to_string()), path);
        }
    };
    let backup = match store.newest_good_backup() {
        Some(b) => format!(
            "the newest backup that can be read ({}) is {}; `pizhu restore {}` brings it back",
            crate::store::local_time(b.modified),
            b.path.display(),
            file.display()
        ),
        None => "no backup of it can be read either".to_owned(),
    };
    fail(
        format!(
            "{what} ({}); nothing was listed or exported and the file was left as it is — {backup}",
            one_line(reason)
        ),
        path,
    )
}

/// How a command opens a document's notes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    /// To read only (`notes`, `export`): any problem fails the command.
    Read,
    /// To write (`highlight`): records that could not be read are reported on stderr (the
    /// whole file was kept aside), anything worse fails.
    Write,
    /// To restore from a backup (`restore`): as [`Access::Write`], and a damaged file (kept
    /// aside) is no failure either.
    Restore,
}

/// A document's notes as a command holds them between loading and saving.
struct Notes {
    store: DocStore,
    set: AnnotationSet,
    position: Option<usize>,
    stored_chars: Option<usize>,
}

impl Notes {
    /// Load the notes of `doc` from `dir` — the one load of every command on notes.
    fn load(
        dir: &Path,
        doc: &Document,
        file: &Path,
        title: &str,
        access: Access,
    ) -> Result<Notes, CliError> {
        let mut loaded = if access == Access::Read {
            DocStore::load_read_only(dir, doc, Some(file), title)
        } else {
            DocStore::load(dir, doc, Some(file), title)
        };
        match loaded.problem.take() {
            None => {}
            Some(problem) if access == Access::Read => {
                return Err(read_only_failure(&problem, &loaded.store, file));
            }
            Some(StoreError::Damaged { .. }) if access == Access::Restore => {}
            Some(problem @ StoreError::Partial { kept: Some(_), .. }) => {
                crate::terminal::eprint_line(&format!(
                    "pizhu: warning: {}",
                    one_line(&problem.to_string())
                ));
            }
            Some(problem) => return Err(store_failure(problem)),
        }
        // A .docx's comments, imported once (read-only commands show them, unsaved).
        if !doc.markup.comments.is_empty() || !doc.markup.highlights.is_empty() {
            let found = crate::annotate::imported::from_document(doc, &outline(doc));
            loaded.annotations.import(found);
        }
        Ok(Notes {
            store: loaded.store,
            set: loaded.annotations,
            position: loaded.position,
            stored_chars: loaded.stored_chars,
        })
    }

    /// Place every annotation in the document's current text.
    fn place(&mut self, doc: &Document) {
        self.set.place_in_after(doc, self.stored_chars);
    }

    /// Save the notes (with the reading position), saying on failure that nothing was saved.
    fn save(&mut self) -> Result<(), CliError> {
        self.store
            .save(&mut self.set, self.position)
            .map(|_merged| ())
            .map_err(store_failure)
    }
}

/// `pizhu highlight`: find the quote, add the highlight, save the store.
fn highlight(
    file: &Path,
    req: &HighlightRequest,
    data_dir: Option<&Path>,
) -> Result<String, CliError> {
    let doc = open(file)?;
    let located = locate_all(&doc, &[(req.quote.as_str(), req.nth)]).pop();
    let range = located
        .unwrap_or(Err(NotFound::Empty))
        .map_err(|e| match e {
            NotFound::Empty => fail(
                "the quote is empty; give the text to highlight with --quote",
                file,
            ),
            e => fail(e.message("--nth"), file),
        })?;
    let outline = outline(&doc);
    let title = doc_title(&outline, file);
    let added = add_highlights(file, &doc, &title, &[(range, req)], Repeats::Add, data_dir)?;
    // The section as the reader sees it (rules and corrections).
    let outline = corrections::with_corrections(&doc, outline, file, &added.corrections)?;
    let path = section_path(&outline, range.start);
    let place = if path.is_empty() {
        "before the first heading".to_owned()
    } else {
        format!("in {}", path.join(PATH_SEPARATOR))
    };
    let quote = one_line_quote(doc.slice(range));
    Ok(format!(
        "highlighted 「{quote}」 ({}) {place}\n",
        req.color.name()
    ))
}

/// `pizhu export`: the document's annotations (read-only) or outline, in `format`.
/// Where `-o` writes, and whether a read-only file may be replaced.
#[derive(Clone, Copy, Debug)]
struct Output<'a> {
    path: &'a Path,
    force: bool,
}

fn export_command(
    file: &Path,
    format: crate::export::Format,
    options: &crate::export::Options,
    output: Option<Output<'_>>,
    corrected: bool,
    data_dir: Option<&Path>,
) -> Result<String, CliError> {
    if output.is_none() && !format.is_text() {
        return Err(fail(
            "a Word file cannot go to the terminal; name the output with -o FILE.docx",
            file,
        ));
    }
    let doc = open(file)?;
    let outline = outline(&doc);
    let title = doc_title(&outline, file);
    let dir = crate::store::annotations::data_dir(data_dir);
    let (set, store_path) = match &dir {
        Some(dir) => {
            let mut notes = Notes::load(dir, &doc, file, &title, Access::Read)?;
            notes.place(&doc);
            (notes.set, Some(notes.store.path().to_owned()))
        }
        None => (AnnotationSet::default(), None),
    };
    let outline = if corrected {
        corrections::with_corrections(&doc, outline, file, set.corrections())?
    } else {
        outline
    };
    let now = jiff::ZonedDateTime::now();
    let exported_at = now.strftime("%Y-%m-%d %H:%M").to_string();
    // The full path only when asked (`--full-path`): absolute, whatever was typed.
    let source_file = if options.full_path {
        std::path::absolute(file).unwrap_or_else(|_| file.to_owned())
    } else {
        file.to_owned()
    }
    .display()
    .to_string();
    let source = crate::export::Source {
        doc: &doc,
        outline: &outline,
        annotations: set.items(),
        title: &title,
        source_file: Some(&source_file),
        exported_at: &exported_at,
        utc_offset_seconds: now.offset().seconds(),
    };
    let bytes = crate::export::export(&source, options, format)
        .map_err(|e| fail(one_line(&e.to_string()), file))?;
    match output {
        Some(out) => {
            // Never over the document itself or its notes.
            let mut protected = vec![file];
            protected.extend(store_path.as_deref());
            crate::files::write_output(out.path, &bytes, &protected, out.force).map_err(|e| {
                CliError {
                    message: format!("cannot write the export ({})", output_reason(&e)),
                    path: out.path.to_owned(),
                }
            })?;
            crate::terminal::eprint_line(&format!("pizhu: exported to {}", out.path.display()));
            Ok(String::new())
        }
        None => Ok(String::from_utf8_lossy(&bytes).into_owned()),
    }
}

/// Why an export was not written, without the path (the error line ends with it).
fn output_reason(e: &crate::files::OutputError) -> String {
    match e {
        crate::files::OutputError::Io(source) => one_line(&format!(
            "{source}; check that the folder exists, is writable and has space"
        )),
        crate::files::OutputError::Refused(why) => one_line(why),
    }
}

/// `pizhu restore`: add back what the newest readable backup holds and this store does not
/// (a damaged store is kept aside first); nothing kept now is removed.
fn restore(file: &Path, data_dir: Option<&Path>) -> Result<String, CliError> {
    let doc = open(file)?;
    let outline = outline(&doc);
    let dir = notes_dir(data_dir, file)?;
    let mut notes = Notes::load(
        &dir,
        &doc,
        file,
        &doc_title(&outline, file),
        Access::Restore,
    )?;
    let Some(backup) = notes.store.newest_good_backup() else {
        return Err(fail(
            "there is no backup of this document's notes that can be read; nothing was changed",
            notes.store.path(),
        ));
    };
    let added = notes.set.restore_from(backup.file.annotations, now_ms());
    let corrected = notes
        .set
        .restore_corrections_from(backup.file.corrections, now_ms());
    notes.place(&doc);
    notes.position = notes.position.or(backup.file.position);
    notes.save()?;
    let set = &notes.set;
    let corrections = match corrected {
        0 => String::new(),
        1 => " and 1 outline correction".to_owned(),
        n => format!(" and {n} outline corrections"),
    };
    Ok(format!(
        "restored {added} annotations{corrections} from the backup of {} ({}); the notes file now holds {}\n",
        crate::store::local_time(backup.modified),
        backup.path.display(),
        set.len()
    ))
}

/// `pizhu notes`: load the store (never writing it), place every annotation, list those
/// that pass the filter.
fn notes(
    file: &Path,
    format: NotesFormat,
    filter: &Filter,
    no_corrections: bool,
    data_dir: Option<&Path>,
) -> Result<String, CliError> {
    let doc = open(file)?;
    let outline = outline(&doc);
    let dir = notes_dir(data_dir, file)?;
    let title = doc_title(&outline, file);
    let mut notes = Notes::load(&dir, &doc, file, &title, Access::Read)?;
    notes.place(&doc);
    let outline = if no_corrections {
        outline
    } else {
        corrections::with_corrections(&doc, outline, file, notes.set.corrections())?
    };
    let mut set = notes.set;
    if !filter.is_empty() {
        set = AnnotationSet::new(filter.apply(set.items()).cloned().collect(), Vec::new());
    }
    Ok(match format {
        NotesFormat::Text => notes_text(&title, &outline, &set),
        NotesFormat::Json => {
            let path = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_owned());
            let document = NotesDocument {
                title: &title,
                path: &path,
                fingerprint: notes.store.fingerprint(),
                store: notes.store.path(),
            };
            let utc_offset_seconds = jiff::ZonedDateTime::now().offset().seconds();
            notes_json(&document, &doc, &outline, set.items(), utc_offset_seconds)
        }
    })
}
