//! The command line: `pizhu outline`, `pizhu stats`, `pizhu highlight`, `pizhu notes`, on
//! top of the same core as the window.

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::annotate::{Annotation, AnnotationSet, Color, Edit, Filter, clean_tag, now_ms};
use crate::document::{Document, OpenError, TextRange};
use crate::export::{NotesDocument, notes_json, one_line_quote, outline_json};
// The listings the subcommands print live with the exports (and stats); these two are
// also named here for the callers that still use them by this path.
use crate::export::{notes_text, outline_text};
use crate::outline::label::{PATH_SEPARATOR, section_path};
use crate::outline::{Outline, outline};
use crate::stats::{DEFAULT_RATE_CHARS_PER_MIN, stats, stats_json, stats_text};
use crate::store::annotations::{DocStore, StoreError, data_dir as resolve_data_dir};

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
    /// Highlight a passage (the Nth occurrence of a quote) and save it with the document's
    /// notes.
    Highlight {
        /// The document (.txt in any common encoding, .md, .docx).
        file: PathBuf,
        /// The exact text to highlight, as it appears in the document.
        #[arg(long, value_name = "TEXT")]
        quote: String,
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
    },
    /// List a document's highlights and notes by section, those not found (未能定位) last;
    /// read-only.
    Notes {
        /// The document (.txt in any common encoding, .md, .docx).
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = NotesFormat::Text)]
        format: NotesFormat,
        /// Which annotations.
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Export a document's highlights and notes (or its outline) as Markdown, text, HTML,
    /// CSV, JSON or Word; text formats go to stdout unless -o is given.
    Export {
        /// The document (.txt in any common encoding, .md, .docx).
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = crate::export::Format::Md)]
        format: crate::export::Format,
        /// Export the outline (提纲) instead of the annotations.
        #[arg(long)]
        outline: bool,
        /// With --outline: put the highlights under their sections.
        #[arg(long, requires = "outline")]
        with_highlights: bool,
        /// Which annotations.
        #[command(flatten)]
        filter: FilterArgs,
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
    #[arg(long, value_name = "TEXT")]
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
        } => {
            let doc = open(file)?;
            let outline = outline(&doc);
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
        Command::Stats { file, format, rate } => {
            let doc = open(file)?;
            let outline = outline(&doc);
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
        } => {
            let request = HighlightRequest {
                quote,
                nth: usize::try_from(*nth).unwrap_or(usize::MAX),
                color: *color,
                note: note.as_deref().unwrap_or_default(),
                tags,
            };
            highlight(file, &request, data_dir)
        }
        Command::Notes {
            file,
            format,
            filter,
        } => notes(file, *format, &filter.filter(), data_dir),
        Command::Export {
            file,
            format,
            outline,
            with_highlights,
            filter,
            english,
            output,
            force,
            annotated,
        } => {
            if annotated.annotated {
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
            };
            let output = output.as_deref().map(|path| Output {
                path,
                force: *force,
            });
            export_command(file, *format, &options, output, data_dir)
        }
        Command::Restore { file } => restore(file, data_dir),
    }
}

/// What `pizhu highlight` was asked to do.
struct HighlightRequest<'a> {
    quote: &'a str,
    /// 1-based.
    nth: usize,
    color: Color,
    note: &'a str,
    tags: &'a [String],
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
    req: &HighlightRequest<'_>,
    data_dir: Option<&Path>,
) -> Result<String, CliError> {
    let doc = open(file)?;
    // The document's text has `\n` line ends only; so must the quote.
    let quote = req.quote.replace("\r\n", "\n").replace('\r', "\n");
    if quote.is_empty() {
        return Err(fail(
            "the quote is empty; give the text to highlight with --quote",
            file,
        ));
    }
    let starts: Vec<usize> = doc
        .text
        .match_indices(quote.as_str())
        .map(|(byte, _)| byte)
        .collect();
    let Some(&byte) = req.nth.checked_sub(1).and_then(|i| starts.get(i)) else {
        let message = match starts.len() {
            0 => "the quote does not occur in the document".to_owned(),
            1 => format!("the quote occurs once; --nth {} is past the last", req.nth),
            n => format!(
                "the quote occurs {n} times; --nth {} is past the last",
                req.nth
            ),
        };
        return Err(fail(message, file));
    };
    let start = doc.char_of_byte(byte);
    let range = TextRange::new(start, start + quote.chars().count());
    let outline = outline(&doc);
    let dir = notes_dir(data_dir, file)?;
    let mut notes = Notes::load(&dir, &doc, file, &doc_title(&outline, file), Access::Write)?;
    notes.place(&doc);
    let now = now_ms();
    let mut a = Annotation::highlight(&doc, range, req.color, now);
    a.note = req.note.to_owned();
    for tag in req.tags.iter().filter_map(|t| clean_tag(t)) {
        if !a.tags.contains(&tag) {
            a.tags.push(tag);
        }
    }
    notes.set.apply(vec![Edit::Add(a)], now);
    notes.save()?;
    let path = section_path(&outline, range.start);
    let place = if path.is_empty() {
        "before the first heading".to_owned()
    } else {
        format!("in {}", path.join(PATH_SEPARATOR))
    };
    Ok(format!(
        "highlighted 「{}」 ({}) {place}\n",
        one_line_quote(&quote),
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
    let now = jiff::ZonedDateTime::now();
    let exported_at = now.strftime("%Y-%m-%d %H:%M").to_string();
    let source_file = file.display().to_string();
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
    notes.place(&doc);
    notes.position = notes.position.or(backup.file.position);
    notes.save()?;
    let set = &notes.set;
    Ok(format!(
        "restored {added} annotations from the backup of {} ({}); the notes file now holds {}\n",
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
    data_dir: Option<&Path>,
) -> Result<String, CliError> {
    let doc = open(file)?;
    let outline = outline(&doc);
    let dir = notes_dir(data_dir, file)?;
    let title = doc_title(&outline, file);
    let mut notes = Notes::load(&dir, &doc, file, &title, Access::Read)?;
    notes.place(&doc);
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
