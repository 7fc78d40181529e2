/* ast-dump.h -- a printable tree of a checked AST (`.compiler ast').  */

#ifndef BPOKE_AST_DUMP_H
#define BPOKE_AST_DUMP_H

#include "ast.h"
#include "util.h"

/* Append the tree of N and its children to SB (see ast-dump.c).  */
void ast_dump (strbuf *sb, const ast *n);

#endif
