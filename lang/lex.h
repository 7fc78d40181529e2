/* lex.h -- the lexer: characters to tokens.

   The lexer works on a whole source buffer held in memory (a REPL line, a
   -c command, a script).  Tokens point into that buffer; string and
   identifier payloads are decoded into storage owned by the lexer, which
   stays valid until lex_free.  */

#ifndef BPOKE_LEX_H
#define BPOKE_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum tok_kind
{
#define TOK(name, spelling) name,
#define KW(name, spelling) name,
#include "tokens.def"
  T_NUM_TOKENS
} tok_kind;

/* A source location: 1-based line and column (columns count bytes), and
   the byte offset of the start of the token in the buffer.  */
typedef struct loc
{
  int line;
  int col;
  int pos;
} loc_t;

typedef struct token
{
  tok_kind kind;
  loc_t loc;            /* First character of the token.  */
  int len;              /* Length of the token in the source, in bytes.  */

  /* T_INT and T_CHAR: the value, the width in bits of its type and its
     signedness, as GNU poke 4.3 types the literal (suffixes B b H N L U
     and T, the default int<32> widening to int<64> when the value needs
     it; see lex_number).  T_CHAR is typed uint<8>.  */
  uint64_t ival;
  int isize;
  bool isigned;

  /* T_IDENT, T_ATTR (the name after the quote), T_STR (decoded, escapes
     processed; slen excludes the terminating NUL, and the string may
     hold no NUL because Poke strings cannot).  */
  const char *sval;
  size_t slen;

  /* T_ERROR: what is wrong, e.g. "invalid character".  */
  const char *errmsg;
} token;

typedef struct lexer lexer;

/* Start lexing BUF (LEN bytes, need not be NUL-terminated).  FILENAME is
   used by callers in messages only; the lexer keeps the pointer.  */
lexer *lex_new (const char *buf, size_t len, const char *filename);
void lex_free (lexer *lx);

/* Scan the next token into *TOK and return its kind.  Comments (C-style
   block comments and // line comments) and white space are skipped.
   At the end of input returns T_EOF (repeatedly).  On a lexical error
   returns T_ERROR with tok->errmsg set to GNU poke's message (e.g.
   "syntax error: unexpected token", "integer literal is too big"),
   tok->loc/len at the offending text (a whole literal for bad literals);
   the lexer then resumes after it.

   Like GNU poke, the lexer decides by spelling, not context: a valid
   character literal wins ('a'), otherwise an apostrophe followed by an
   identifier is an attribute (T_ATTR, x'size, also x 'size).  `#' is
   T_HASH only when a unit (identifier or digit) follows at once, and
   `#! ... !#' is a block comment.  `offset', `asm' and `immutable' are
   not reserved in poke 2.4 and come as T_IDENT;
   `enum' is reserved but unused, so it is a T_ERROR.  sval is always
   NUL-terminated; identifier and attribute names are interned, so equal
   names from one lexer share a pointer.  */
tok_kind lex_next (lexer *lx, token *tok);

/* True when the input ends inside an unterminated block comment or string
   literal: the REPL uses this to ask for a continuation line.  Valid
   after lex_next has returned T_EOF or T_ERROR.  */
bool lex_incomplete (const lexer *lx);

/* Continue scanning at AT, the location of a token earlier returned
   for the same buffer (or one of its position, line and column): the
   parser uses it to go back, and to compile a declaration cut out of a
   larger text with the locations it has there.  */
void lex_seek (lexer *lx, loc_t at);

/* $MAP::ENTRY, a map entry (GNU poke's maps, see lang/iomaps.c), lexes
   as the identifier FN (CTX, MAP, ENTRY) returns: the name of the
   entry's variable, or NULL when there is no such entry, which makes
   the token an error ("invalid map entry").  Without a resolver every
   $NAME is one.  */
typedef const char *(*lex_entry_fn) (void *ctx, const char *map,
                                     const char *entry);
void lex_set_entry_resolver (lexer *lx, lex_entry_fn fn, void *ctx);

/* Skip text without making tokens (the lazy reading of the prelude
   skips function signatures and bodies so), brackets in strings,
   character literals and comments aside.  From AT, the location of a
   `{', `(' or `[', to just after its match; or, if TO_COLON, from AT to
   the first `:' outside brackets.  Returns the position reached (after
   the bracket, at the colon), or -1 if the input ends, or a `;' or an
   unmatched closing bracket comes, first; the next lex_next scans from
   there.  */
int lex_skip (lexer *lx, loc_t at, bool to_colon);

/* The spelling of a token kind, as tokens.def gives it.  */
const char *tok_spelling (tok_kind kind);

/* The source buffer and file name the lexer was created with.  */
const char *lex_buffer (const lexer *lx, size_t *len);
const char *lex_filename (const lexer *lx);

#endif
