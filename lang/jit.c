/* jit.c -- x86-64 machine code for compiled statements (see jit.h).

   The code generator walks a cnode tree once.  Integral expressions
   leave their value, as the normalized 64-bit pattern the closures
   return, in rax; rcx and rdx hold a binary operator's right operand
   and scratch values.  Statements keep nothing in registers between
   them: variables are read from and written to their frame slots, so
   a node the generator does not know can simply be called, as its
   closure, with the VM and the frame.  The exception is a leaf loop,
   one that calls nothing: its variables live in registers while it
   runs (see gen_leaf).  While the code runs, rbx holds
   the VM, r12 the frame, r13 the frame's slots and r14 the global
   frame's (both loaded again after every call, which could in
   principle move them).

   Exceptions (overflow, division by zero, Ctrl-C) jump to stubs at the
   end of the function that call the VM's raise, which longjmps out as
   it does from the closures.  Statuses other than normal completion
   (break, continue, return) from called statements are dispatched to
   the enclosing loop's labels or returned, as the closures do.

   Code is generated into a buffer, with labels resolved at the end,
   then copied into a chunk of memory mapped twice: writable at one
   address, executable at another, so that no page is ever writable and
   executable at once, and installing code costs no system call (in a
   virtual machine, an mprotect of a multi-threaded process costs as
   much as compiling).  Only trees with a loop are translated: elsewhere
   the closures are about as fast.  */

#define _GNU_SOURCE 1           /* memfd_create */

#include "jit.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cnode.h"
#include "util.h"

#if defined __x86_64__ && defined __linux__
# define JIT_X86_64 1
# include <sys/mman.h>
# include <unistd.h>
#endif

struct jit_chunk
{
  struct jit_chunk *next;
  uint8_t *rw, *rx;             /* The two views of the same pages.  */
  size_t size, used;
};

struct jit_state
{
  struct jit_chunk *chunks;
  size_t nfuncs, bytes;
  bool broken;                  /* The system refused executable pages.  */
};

#ifdef JIT_X86_64

bool
jit_available (void)
{
  return true;
}

/* Registers, by their encoding.  */
enum
{
  RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
  R8, R9, R10, R11, R12, R13, R14, R15
};

/* Condition codes.  */
enum
{
  CC_O = 0, CC_NO = 1, CC_B = 2, CC_AE = 3, CC_E = 4, CC_NE = 5,
  CC_BE = 6, CC_A = 7, CC_L = 0xc, CC_GE = 0xd, CC_LE = 0xe, CC_G = 0xf
};

/* Arithmetic-logic operations: the r/m64, r64 opcode, and the /digit
   of the immediate form.  */
enum { ALU_ADD = 0, ALU_OR = 1, ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6,
       ALU_CMP = 7 };
static const uint8_t alu_op[8] = { 0x01, 0x09, 0, 0, 0x21, 0x29, 0x31, 0x39 };

typedef struct fixup
{
  size_t at;                    /* Where the rel32 is.  */
  int label;
} fixup;

/* A variable kept in a register through a leaf loop (see gen_leaf).  */
typedef struct promo
{
  bool global;
  int slot;
  int reg;
  int uses;
  bool written;                 /* Assigned, ++ or -- in the loop.  */
  bool mixed;                   /* Assigned values of different types.  */
  const type *t;                /* The type of what is assigned.  */
} promo;

enum { NPROMO = 6, NCAND = 32 };

/* The registers for them: caller-saved ones, free in a loop that calls
   nothing, and r15.  */
static const int promo_regs[NPROMO] = { 6 /* rsi */, 7 /* rdi */, 8, 9, 10,
                                        15 };

typedef struct jbuf
{
  uint8_t *b;
  size_t len, cap;
  size_t *lab;                  /* Label positions, SIZE_MAX unbound.  */
  int nlab, labcap;
  fixup *fix;
  int nfix, fixcap;
  int depth;                    /* 8-byte words pushed, for alignment.  */
  int brk, cont;                /* The innermost loop's labels, or -1.  */
  int l_exit, l_ovf, l_div0, l_intr;
  promo pv[NCAND];              /* Inside a leaf loop: its variables.  */
  int npv;
  bool leaf;                    /* Inside a leaf loop.  */
  /* The last instruction, if it is movsxd SX_REG, SX_REG's low half:
     it runs from SX_AT to SX_END (else SX_END is SIZE_MAX).  */
  size_t sx_at, sx_end;
  int sx_reg;
} jbuf;

/* The register holding the variable, or -1.  */
static int
preg (const jbuf *j, bool global, int slot)
{
  for (int i = 0; i < j->npv; i++)
    if (j->pv[i].global == global && j->pv[i].slot == slot)
      return j->pv[i].reg;
  return -1;
}

/* Bytes.  */

static void
emit (jbuf *j, uint8_t x)
{
  if (j->len == j->cap)
    {
      j->cap = j->cap ? 2 * j->cap : 1024;
      j->b = xrealloc (j->b, j->cap);
    }
  j->b[j->len++] = x;
}

static void
emit32 (jbuf *j, uint32_t x)
{
  for (int i = 0; i < 4; i++)
    emit (j, (uint8_t) (x >> (8 * i)));
}

static void
emit64 (jbuf *j, uint64_t x)
{
  emit32 (j, (uint32_t) x);
  emit32 (j, (uint32_t) (x >> 32));
}

static bool
is_s32 (int64_t x)
{
  return x >= INT32_MIN && x <= INT32_MAX;
}

/* Labels.  */

static int
label (jbuf *j)
{
  if (j->nlab == j->labcap)
    {
      j->labcap = j->labcap ? 2 * j->labcap : 32;
      j->lab = xrealloc (j->lab, sizeof *j->lab * (size_t) j->labcap);
    }
  j->lab[j->nlab] = SIZE_MAX;
  return j->nlab++;
}

static void
bind (jbuf *j, int l)
{
  j->lab[l] = j->len;
  j->sx_end = SIZE_MAX;         /* Control joins after it: keep it.  */
}

static void
rel32 (jbuf *j, int l)
{
  if (j->nfix == j->fixcap)
    {
      j->fixcap = j->fixcap ? 2 * j->fixcap : 64;
      j->fix = xrealloc (j->fix, sizeof *j->fix * (size_t) j->fixcap);
    }
  j->fix[j->nfix].at = j->len;
  j->fix[j->nfix].label = l;
  j->nfix++;
  emit32 (j, 0);
}

/* Instruction encodings.  W: 64-bit operand size.  */

static void
rex (jbuf *j, bool w, int reg, int rm)
{
  uint8_t r = (uint8_t) (0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0)
                         | ((rm & 8) ? 1 : 0));
  if (r != 0x40)
    emit (j, r);
}

/* ModRM for register REG and register RM.  */
static void
modrr (jbuf *j, int reg, int rm)
{
  emit (j, (uint8_t) (0xc0 | (reg & 7) << 3 | (rm & 7)));
}

/* ModRM (and SIB, displacement) for REG and memory [BASE + DISP].  */
static void
modmem (jbuf *j, int reg, int base, int32_t disp)
{
  int mod = disp == 0 && (base & 7) != RBP ? 0
            : disp >= -128 && disp <= 127 ? 1 : 2;
  emit (j, (uint8_t) (mod << 6 | (reg & 7) << 3 | (base & 7)));
  if ((base & 7) == RSP)
    emit (j, 0x24);
  if (mod == 1)
    emit (j, (uint8_t) disp);
  else if (mod == 2)
    emit32 (j, (uint32_t) disp);
}

/* mov r, [base + disp] */
static void
load (jbuf *j, int r, int base, int32_t disp)
{
  rex (j, true, r, base);
  emit (j, 0x8b);
  modmem (j, r, base, disp);
}

/* mov [base + disp], r */
static void
store (jbuf *j, int base, int32_t disp, int r)
{
  rex (j, true, r, base);
  emit (j, 0x89);
  modmem (j, r, base, disp);
}

/* mov dst, src */
static void
mov (jbuf *j, int dst, int src)
{
  rex (j, true, src, dst);
  emit (j, 0x89);
  modrr (j, src, dst);
}

/* mov r, k */
static void
movi (jbuf *j, int r, uint64_t k)
{
  if (k <= UINT32_MAX)
    {
      rex (j, false, 0, r);
      emit (j, (uint8_t) (0xb8 + (r & 7)));
      emit32 (j, (uint32_t) k);
    }
  else if (is_s32 ((int64_t) k))
    {
      rex (j, true, 0, r);
      emit (j, 0xc7);
      modrr (j, 0, r);
      emit32 (j, (uint32_t) k);
    }
  else
    {
      rex (j, true, 0, r);
      emit (j, (uint8_t) (0xb8 + (r & 7)));
      emit64 (j, k);
    }
}

/* op dst, src; W selects 64 bits, else 32.  */
static void
alu_w (jbuf *j, int op, int dst, int src, bool w)
{
  rex (j, w, src, dst);
  emit (j, alu_op[op]);
  modrr (j, src, dst);
}

static void
alu (jbuf *j, int op, int dst, int src)
{
  alu_w (j, op, dst, src, true);
}

/* op r, k (K fits in 32 bits, sign-extended).  */
static void
alui_w (jbuf *j, int op, int r, int64_t k, bool w)
{
  rex (j, w, 0, r);
  if (k >= -128 && k <= 127)
    {
      emit (j, 0x83);
      modrr (j, op, r);
      emit (j, (uint8_t) k);
    }
  else
    {
      emit (j, 0x81);
      modrr (j, op, r);
      emit32 (j, (uint32_t) k);
    }
}

static void
alui (jbuf *j, int op, int r, int64_t k)
{
  alui_w (j, op, r, k, true);
}

/* test r, r */
static void
test (jbuf *j, int r)
{
  rex (j, true, r, r);
  emit (j, 0x85);
  modrr (j, r, r);
}

/* imul dst, src */
static void
imul_w (jbuf *j, int dst, int src, bool w)
{
  rex (j, w, dst, src);
  emit (j, 0x0f);
  emit (j, 0xaf);
  modrr (j, dst, src);
}

static void
imul (jbuf *j, int dst, int src)
{
  imul_w (j, dst, src, true);
}

/* The F7 group on r: 2 not, 3 neg, 6 div, 7 idiv; W selects 64 bits.  */
static void
grp3 (jbuf *j, int digit, int r, bool w)
{
  rex (j, w, 0, r);
  emit (j, 0xf7);
  modrr (j, digit, r);
}

/* Shift r by n: 4 shl, 5 shr, 7 sar.  */
static void
shift (jbuf *j, int digit, int r, int n)
{
  rex (j, true, 0, r);
  emit (j, 0xc1);
  modrr (j, digit, r);
  emit (j, (uint8_t) n);
}

/* dst = src's low SIZE bits (8, 16 or 32), sign-extended.  */
static void
movsx (jbuf *j, int dst, int src, int size)
{
  size_t at = j->len;
  rex (j, true, dst, src);
  if (size == 32)
    emit (j, 0x63);
  else
    {
      emit (j, 0x0f);
      emit (j, size == 8 ? 0xbe : 0xbf);
    }
  modrr (j, dst, src);
  if (dst == src && size == 32)
    {
      j->sx_at = at;
      j->sx_end = j->len;
      j->sx_reg = dst;
    }
}

/* DST = SRC, where SRC is no longer needed: when SRC was just extended
   in place, DST is extended from it instead (one instruction less).  */
static void
mov_last (jbuf *j, int dst, int src)
{
  if (j->sx_end == j->len && j->sx_reg == src)
    {
      j->len = j->sx_at;
      j->sx_end = SIZE_MAX;
      movsx (j, dst, src, 32);
    }
  else
    mov (j, dst, src);
}

/* eax = the condition CC, as 0 or 1.  */
static void
setcc (jbuf *j, int cc)
{
  emit (j, 0x0f);
  emit (j, (uint8_t) (0x90 + cc));
  modrr (j, 0, RAX);
  emit (j, 0x0f);               /* movzx eax, al */
  emit (j, 0xb6);
  modrr (j, RAX, RAX);
}

static void
jcc (jbuf *j, int cc, int l)
{
  emit (j, 0x0f);
  emit (j, (uint8_t) (0x80 + cc));
  rel32 (j, l);
}

static void
jmp (jbuf *j, int l)
{
  emit (j, 0xe9);
  rel32 (j, l);
}

static void
push (jbuf *j, int r)
{
  rex (j, false, 0, r);
  emit (j, (uint8_t) (0x50 + (r & 7)));
  j->depth++;
}

static void
pop (jbuf *j, int r)
{
  rex (j, false, 0, r);
  emit (j, (uint8_t) (0x58 + (r & 7)));
  j->depth--;
}

/* rsp += n (n a multiple of 8, |n| < 128).  */
static void
addrsp (jbuf *j, int n)
{
  alui (j, ALU_ADD, RSP, n);
}

/* Call FN (with its arguments in place), the stack aligned as the ABI
   wants it.  */
static void
call (jbuf *j, const void *fn)
{
  bool pad = j->depth & 1;
  if (pad)
    addrsp (j, -8);
  movi (j, RAX, (uint64_t) (uintptr_t) fn);
  emit (j, 0xff);               /* call rax */
  modrr (j, 2, RAX);
  if (pad)
    addrsp (j, 8);
}

/* r13 = the frame's slots, r14 = the global frame's.  */
static void
load_slots (jbuf *j)
{
  load (j, R13, R12, (int32_t) offsetof (pk_frame, slots));
  load (j, R14, RBX, (int32_t) offsetof (vm, globals));
  load (j, R14, R14, (int32_t) offsetof (pk_frame, slots));
}

/* FN (v, f, C): a cnode's closure.  */
static void
call_node (jbuf *j, const void *fn, const cnode *c)
{
  mov (j, RDI, RBX);
  mov (j, RSI, R12);
  movi (j, RDX, (uint64_t) (uintptr_t) c);
  call (j, fn);
  load_slots (j);
}

/* Where variables live.  */

static int32_t
slot_val (int slot)
{
  return (int32_t) ((size_t) slot * sizeof (val) + offsetof (val, v));
}

static int32_t
slot_type (int slot)
{
  return (int32_t) ((size_t) slot * sizeof (val) + offsetof (val, t));
}

/* vm_global_written (v, SLOT), with rdx as scratch.  */
static void
global_written (jbuf *j, int slot)
{
  int skip = label (j);
  /* cmp dword [rbx + ngread], slot; jle skip */
  emit (j, 0x81);
  modmem (j, 7, RBX, (int32_t) offsetof (vm, ngread));
  emit32 (j, (uint32_t) slot);
  jcc (j, CC_LE, skip);
  load (j, RDX, RBX, (int32_t) offsetof (vm, gread));
  /* cmp byte [rdx + slot], 0; je skip */
  emit (j, 0x80);
  modmem (j, 7, RDX, slot);
  emit (j, 0);
  jcc (j, CC_E, skip);
  /* inc qword [rbx + var_gen] */
  rex (j, true, 0, RBX);
  emit (j, 0xff);
  modmem (j, 0, RBX, (int32_t) offsetof (vm, var_gen));
  bind (j, skip);
}

/* Store integral rax, of type T, in slot DISP's value of BASE.  */
static void
store_int (jbuf *j, int base, int slot, const type *t)
{
  movi (j, RDX, (uint64_t) (uintptr_t) t);
  store (j, base, slot_type (slot), RDX);
  store (j, base, slot_val (slot), RAX);
}

/* Widths.  */

/* Jump to the overflow stub unless signed R fits in SIZE bits; TMP is
   scratch.  */
static void
check_fits (jbuf *j, int r, int tmp, int size)
{
  if (size >= 64)
    return;
  if (size == 32 || size == 16 || size == 8)
    movsx (j, tmp, r, size);
  else
    {
      mov (j, tmp, r);
      shift (j, 4, tmp, 64 - size);
      shift (j, 7, tmp, 64 - size);
    }
  alu (j, ALU_CMP, tmp, r);
  jcc (j, CC_NE, j->l_ovf);
}

static void norm (jbuf *j, int r, int size, bool sign);

/* After an add, sub or mul into R, done in 64 bits (W) or 32: the
   overflow check of signed C, or the wrap of unsigned C; TMP is
   scratch.  */
static void
arith_result (jbuf *j, const cnode *c, int r, int tmp, bool w)
{
  if (c->sign)
    {
      jcc (j, CC_O, j->l_ovf);
      if (w)
        check_fits (j, r, tmp, c->size);
      else
        movsx (j, r, r, 32);
    }
  else if (w)
    norm (j, r, c->size, false);
}

/* R = arith_norm (R, size, sign).  */
static void
norm (jbuf *j, int r, int size, bool sign)
{
  if (size >= 64)
    return;
  if (sign)
    {
      if (size == 32 || size == 16 || size == 8)
        movsx (j, r, r, size);
      else
        {
          shift (j, 4, r, 64 - size);
          shift (j, 7, r, 64 - size);
        }
    }
  else if (size == 32)
    {
      rex (j, false, r, r);     /* mov r32, r32 */
      emit (j, 0x89);
      modrr (j, r, r);
    }
  else if (size < 32)
    alui (j, ALU_AND, r, (int64_t) ((UINT64_C (1) << size) - 1));
  else
    {
      shift (j, 4, r, 64 - size);
      shift (j, 5, r, 64 - size);
    }
}

/* Expressions.  */

static void gen_ei (jbuf *j, const cnode *c);

/* Put the value of C in R without a call, if C is a constant or a
   variable of this frame or the global one.  Clobbers only R.  */
static bool
load_simple (jbuf *j, const cnode *c, int r)
{
  switch (c->opk)
    {
    case OPK_CONST:
      movi (j, r, c->k);
      return true;
    case OPK_LOCAL:
    case OPK_GLOBAL:
      {
        bool global = c->opk == OPK_GLOBAL;
        int pr = preg (j, global, c->slot);
        if (pr >= 0)
          mov (j, r, pr);
        else
          load (j, r, global ? R14 : R13, slot_val (c->slot));
        return true;
      }
    default:
      return false;
    }
}

/* The register holding C, if C is a variable kept in one, else -1.  */
static int
var_reg (const jbuf *j, const cnode *c)
{
  if (c->opk != OPK_LOCAL && c->opk != OPK_GLOBAL)
    return -1;
  return preg (j, c->opk == OPK_GLOBAL, c->slot);
}

static bool
is_cmp (int bop)
{
  return bop >= BOP_EQ;
}

static int
cmp_cc (int bop, bool sign)
{
  switch (bop)
    {
    case BOP_EQ: return CC_E;
    case BOP_NE: return CC_NE;
    case BOP_LT: return sign ? CC_L : CC_B;
    case BOP_GT: return sign ? CC_G : CC_A;
    case BOP_LE: return sign ? CC_LE : CC_BE;
    default: return sign ? CC_GE : CC_AE;
    }
}

/* Whether evaluating C has no effect but its value or an exception:
   then reading a variable before or after it is the same.  */
static bool
pure (const cnode *c)
{
  if (!c)
    return true;
  if (c->opk != OPK_CALL)
    return true;
  switch (c->je)
    {
    case JE_BINOP: case JE_ANDAND: case JE_OROR: case JE_IMPLIES:
    case JE_NOT: case JE_COMPL: case JE_NEG: case JE_CAST: case JE_COND:
      return pure (c->a) && pure (c->b) && pure (c->c);
    default:
      return false;
    }
}

/* Whether C is a constant that fits an instruction's 32-bit
   immediate.  */
static bool
imm_operand (const cnode *c)
{
  return c->opk == OPK_CONST && is_s32 ((int64_t) c->k);
}

/* rax = C's left operand, rcx = its right one; with IMM, a right
   operand that is an immediate is left where it is (imm_operand).  */
static void
gen_operands (jbuf *j, const cnode *c, bool imm)
{
  if (c->a->opk != OPK_CALL && c->b->opk == OPK_CALL && pure (c->b))
    {
      gen_ei (j, c->b);
      mov (j, RCX, RAX);
      load_simple (j, c->a, RAX);
      return;
    }
  gen_ei (j, c->a);
  if (imm && imm_operand (c->b))
    return;
  if (!load_simple (j, c->b, RCX))
    {
      push (j, RAX);
      gen_ei (j, c->b);
      mov (j, RCX, RAX);
      pop (j, RAX);
    }
}

/* op rax, right operand (rcx or the immediate); W as for alu_w.  */
static void
alu_right_w (jbuf *j, int op, const cnode *b, bool imm, bool w)
{
  if (imm && imm_operand (b))
    alui_w (j, op, RAX, (int64_t) b->k, w);
  else
    alu_w (j, op, RAX, RCX, w);
}

static void
alu_right (jbuf *j, int op, const cnode *b, bool imm)
{
  alu_right_w (j, op, b, imm, true);
}

/* Division and remainder, rax by rcx, as ei_div_s and friends.  */
static void
gen_divmod (jbuf *j, const cnode *c)
{
  bool mod = c->bop == BOP_MOD;
  bool konst = c->b->opk == OPK_CONST;
  int64_t k = (int64_t) c->b->k;
  bool narrow = c->size <= 32;
  if (!konst || k == 0)
    {
      test (j, RCX);
      jcc (j, CC_E, j->l_div0);
    }
  int done = label (j);
  if (c->sign)
    {
      if (!konst || k == -1)
        {
          /* MIN / -1 and MIN % -1 overflow; otherwise a / -1 is -a,
             a % -1 is 0.  idiv would trap on the 64-bit ones.  */
          int other = label (j);
          alui (j, ALU_CMP, RCX, -1);
          jcc (j, CC_NE, other);
          movi (j, RDX, (uint64_t) (INT64_MIN >> c->sh));
          alu (j, ALU_CMP, RAX, RDX);
          jcc (j, CC_E, j->l_ovf);
          if (mod)
            alu (j, ALU_XOR, RAX, RAX);
          else
            grp3 (j, 3, RAX, true);
          jmp (j, done);
          bind (j, other);
        }
      if (narrow)
        emit (j, 0x99);         /* cdq */
      else
        {
          emit (j, 0x48);       /* cqo */
          emit (j, 0x99);
        }
      grp3 (j, 7, RCX, !narrow);
      if (narrow)
        movsx (j, RAX, mod ? RDX : RAX, 32);
      else if (mod)
        mov (j, RAX, RDX);
    }
  else
    {
      alu (j, ALU_XOR, RDX, RDX);
      grp3 (j, 6, RCX, !narrow);
      if (mod)
        mov (j, RAX, RDX);
    }
  bind (j, done);
}

/* rdx = rdx * K.  */
static void
mul_rdx (jbuf *j, int64_t k)
{
  if (is_s32 (k))
    {
      rex (j, true, RDX, RDX);  /* imul rdx, rdx, k */
      emit (j, 0x69);
      modrr (j, RDX, RDX);
      emit32 (j, (uint32_t) k);
    }
  else
    {
      movi (j, R11, (uint64_t) k);
      imul (j, RDX, R11);
    }
}

/* Division and remainder by a constant other than 0 and -1, by
   multiplication (T. Granlund and P. L. Montgomery, "Division by
   invariant integers using multiplication", PLDI 1994, figures 4.1 and
   5.2, with 64-bit words: the operands are normalized, so the 64-bit
   quotient is the narrower one).  False for the divisors left to
   gen_divmod.  */
static bool
gen_divmod_const (jbuf *j, const cnode *c)
{
  uint64_t d = c->b->k;
  bool mod = c->bop == BOP_MOD;
  if (d == 0 || (c->sign && (int64_t) d == -1))
    return false;
  gen_ei (j, c->a);
  mov_last (j, RCX, RAX);       /* rcx = n; rax is scratch from here.  */
  if (c->sign)
    {
      int64_t sd = (int64_t) d;
      uint64_t ad = sd < 0 ? 0 - d : d;
      int l = 1;
      while (l < 64 && (UINT64_C (1) << l) < ad)
        l++;
      unsigned __int128 m = ((unsigned __int128) 1 << (63 + l)) / ad + 1;
      movi (j, RAX, (uint64_t) m);
      grp3 (j, 5, RCX, true);   /* imul rcx: rdx = high (m - 2^64) n */
      alu (j, ALU_ADD, RDX, RCX);
      if (l > 1)
        shift (j, 7, RDX, l - 1);
      mov (j, RAX, RCX);
      shift (j, 7, RAX, 63);
      alu (j, ALU_SUB, RDX, RAX);   /* rdx = n / |d| */
      if (sd < 0)
        grp3 (j, 3, RDX, true);
    }
  else
    {
      int l = 0;
      while (l < 64 && (UINT64_C (1) << l) < d)
        l++;
      if (l < 64 && (UINT64_C (1) << l) == d)
        {
          /* A power of two.  */
          mov (j, RDX, RCX);
          if (l > 0)
            {
              rex (j, true, 0, RDX);    /* shr rdx, l */
              emit (j, 0xc1);
              modrr (j, 5, RDX);
              emit (j, (uint8_t) l);
            }
        }
      else
        {
          unsigned __int128 two_l = (unsigned __int128) 1 << l;
          unsigned __int128 m
            = ((two_l - d) << 64) / d + 1;
          movi (j, RAX, (uint64_t) m);
          grp3 (j, 4, RCX, true);       /* mul rcx: rdx = high m n */
          mov (j, RAX, RCX);
          alu (j, ALU_SUB, RAX, RDX);
          shift (j, 5, RAX, 1);
          alu (j, ALU_ADD, RDX, RAX);
          if (l > 1)
            shift (j, 5, RDX, l - 1);   /* rdx = n / d */
        }
    }
  if (!mod)
    {
      mov (j, RAX, RDX);
      return true;
    }
  mul_rdx (j, (int64_t) d);
  mov (j, RAX, RCX);
  alu (j, ALU_SUB, RAX, RDX);
  return true;
}

static void
gen_binop (jbuf *j, const cnode *c)
{
  if (c->bop == BOP_DIV || c->bop == BOP_MOD)
    {
      if (c->b->opk == OPK_CONST && gen_divmod_const (j, c))
        return;
      gen_operands (j, c, false);
      gen_divmod (j, c);
      return;
    }
  bool imm = imm_operand (c->b);
  if (!(c->bop == BOP_MUL && imm && var_reg (j, c->a) >= 0))
    gen_operands (j, c, true);
  switch (c->bop)
    {
    case BOP_ADD:
    case BOP_SUB:
    case BOP_MUL:
      {
        /* 32-bit operands get 32-bit instructions: the overflow flag
           is then the whole check, and the result is extended.  */
        bool w = c->size != 32;
        if (c->bop != BOP_MUL)
          alu_right_w (j, c->bop == BOP_ADD ? ALU_ADD : ALU_SUB, c->b, imm,
                       w);
        else if (imm)
          {
            /* imul rax, rax (or the left operand's register), k */
            int src = var_reg (j, c->a) >= 0 ? var_reg (j, c->a) : RAX;
            rex (j, w, RAX, src);
            emit (j, 0x69);
            modrr (j, RAX, src);
            emit32 (j, (uint32_t) c->b->k);
          }
        else
          imul_w (j, RAX, RCX, w);
        arith_result (j, c, RAX, RDX, w);
        return;
      }
    case BOP_AND:
      alu_right (j, ALU_AND, c->b, imm);
      return;
    case BOP_IOR:
      alu_right (j, ALU_OR, c->b, imm);
      return;
    case BOP_XOR:
      alu_right (j, ALU_XOR, c->b, imm);
      return;
    default:
      alu_right (j, ALU_CMP, c->b, imm);
      setcc (j, cmp_cc (c->bop, c->sign));
      return;
    }
}

/* Jump to L if C's value is nonzero (WHEN) or zero (!WHEN).  */
static void
gen_branch (jbuf *j, const cnode *c, int l, bool when)
{
  if (c->opk == OPK_CALL && c->je == JE_BINOP && is_cmp (c->bop))
    {
      int ra = var_reg (j, c->a);
      if (ra >= 0 && imm_operand (c->b))
        alui (j, ALU_CMP, ra, (int64_t) c->b->k);
      else
        {
          gen_operands (j, c, true);
          alu_right (j, ALU_CMP, c->b, true);
        }
      int cc = cmp_cc (c->bop, c->sign);
      jcc (j, when ? cc : cc ^ 1, l);
      return;
    }
  if (c->opk == OPK_CALL && c->je == JE_NOT)
    {
      gen_branch (j, c->a, l, !when);
      return;
    }
  gen_ei (j, c);
  test (j, RAX);
  jcc (j, when ? CC_NE : CC_E, l);
}

/* ++ and -- as expressions (ei_incdec) on a variable of this frame or
   the global one.  */
static bool
gen_incdec (jbuf *j, const cnode *c, bool value)
{
  const cnode *var = c->a;
  int base;
  if (var->depth == 0)
    base = R13;
  else if (var->depth < 0)
    base = R14;
  else
    return false;
  int32_t d = slot_val (var->slot);
  int pr = preg (j, var->depth < 0, var->slot);
  /* The old value in rax if it is the result, the new one in rdx.  */
  int old = value ? RAX : RDX;
  if (pr >= 0)
    mov (j, old, pr);
  else
    load (j, old, base, d);
  if (old != RDX)
    mov (j, RDX, RAX);
  bool w = c->size != 32;       /* As in gen_binop.  */
  if (is_s32 ((int64_t) c->k))
    alui_w (j, ALU_ADD, RDX, (int64_t) c->k, w);
  else
    {
      movi (j, R11, c->k);
      alu_w (j, ALU_ADD, RDX, R11, w);
    }
  arith_result (j, c, RDX, R11, w);
  if (pr >= 0)
    {
      if (value)
        mov (j, pr, RDX);
      else
        mov_last (j, pr, RDX);
    }
  else
    store (j, base, d, RDX);
  if (value && c->n->flag)
    mov (j, RAX, RDX);
  if (pr < 0 && var->depth < 0)
    global_written (j, var->slot);      /* Uses rdx.  */
  return true;
}

static void
gen_ei (jbuf *j, const cnode *c)
{
  if (load_simple (j, c, RAX))
    return;
  int l1, l2;
  switch (c->je)
    {
    case JE_BINOP:
      gen_binop (j, c);
      return;
    case JE_ANDAND:
    case JE_OROR:
    case JE_IMPLIES:
      /* The result is 1 when control reaches l1, 0 at the end.  */
      l1 = label (j);
      l2 = label (j);
      if (c->je == JE_ANDAND)
        {
          int no = label (j);
          gen_branch (j, c->a, no, false);
          gen_branch (j, c->b, l1, true);
          bind (j, no);
        }
      else
        {
          gen_branch (j, c->a, l1, c->je == JE_OROR);
          gen_branch (j, c->b, l1, true);
        }
      alu (j, ALU_XOR, RAX, RAX);
      jmp (j, l2);
      bind (j, l1);
      movi (j, RAX, 1);
      bind (j, l2);
      return;
    case JE_NOT:
      gen_ei (j, c->a);
      test (j, RAX);
      setcc (j, CC_E);
      return;
    case JE_COMPL:
      gen_ei (j, c->a);
      grp3 (j, 2, RAX, true);
      norm (j, RAX, c->size, c->sign);
      return;
    case JE_NEG:
      gen_ei (j, c->a);
      if (c->sign)
        {
          movi (j, RDX, (uint64_t) (INT64_MIN >> c->sh));
          alu (j, ALU_CMP, RAX, RDX);
          jcc (j, CC_E, j->l_ovf);
        }
      grp3 (j, 3, RAX, true);
      norm (j, RAX, c->size, c->sign);
      return;
    case JE_CAST:
      gen_ei (j, c->a);
      norm (j, RAX, c->size, c->sign);
      return;
    case JE_COND:
      l1 = label (j);
      l2 = label (j);
      gen_branch (j, c->a, l1, false);
      gen_ei (j, c->b);
      jmp (j, l2);
      bind (j, l1);
      gen_ei (j, c->c);
      bind (j, l2);
      return;
    case JE_INCDEC:
      if (gen_incdec (j, c, true))
        return;
      break;
    default:
      break;
    }
  call_node (j, (const void *) c->ei, c);
}

/* Statements.  */

/* Leave with status ST (in eax), or go to the loop's label for it.  */
static void
gen_status (jbuf *j, vm_status st)
{
  if (st == ST_BREAK && j->brk >= 0)
    jmp (j, j->brk);
  else if (st == ST_CONTINUE && j->cont >= 0)
    jmp (j, j->cont);
  else
    {
      movi (j, RAX, st);
      jmp (j, j->l_exit);
    }
}

/* Ctrl-C: the loops' check_interrupt.  */
static void
check_interrupt (jbuf *j)
{
  /* cmp dword [rbx + interrupted], 0; jne intr */
  emit (j, 0x83);
  modmem (j, 7, RBX, (int32_t) offsetof (vm, interrupted));
  emit (j, 0);
  jcc (j, CC_NE, j->l_intr);
}

static void gen_ex (jbuf *j, const cnode *c, bool use_status);
static void gen_loop (jbuf *j, const cnode *c);
static void gen_leaf (jbuf *j, const cnode *c);
static bool leaf_x (const cnode *c);

static void
gen_loop_body (jbuf *j, const cnode *body, int brk, int cont)
{
  int sb = j->brk, sc = j->cont;
  j->brk = brk;
  j->cont = cont;
  gen_ex (j, body, true);
  j->brk = sb;
  j->cont = sc;
}

/* Statement C; USE_STATUS false ignores the status of a called one, as
   the closures do for a for loop's initialization and step.  */
static void
gen_ex (jbuf *j, const cnode *c, bool use_status)
{
  int next, exit;
  switch (c->jx)
    {
    case JX_NOP:
      return;
    case JX_BREAK:
      gen_status (j, ST_BREAK);
      return;
    case JX_CONTINUE:
      gen_status (j, ST_CONTINUE);
      return;
    case JX_EXPR_I:
      gen_ei (j, c->a);
      return;
    case JX_ASSIGN_LOCAL_I:
    case JX_ASSIGN_GLOBAL_I:
    case JX_VAR_LOCAL_I:
      {
        bool global = c->jx == JX_ASSIGN_GLOBAL_I;
        const cnode *x = c->jx == JX_VAR_LOCAL_I ? c->a : c->b;
        gen_ei (j, x);
        int pr = preg (j, global, c->slot);
        if (pr >= 0)
          mov_last (j, pr, RAX);        /* Stored when the loop ends.  */
        else
          {
            store_int (j, global ? R14 : R13, c->slot, x->t);
            if (global)
              global_written (j, c->slot);
          }
        return;
      }
    case JX_INC_LOCAL:
    case JX_INC_GLOBAL:
      if (!gen_incdec (j, c, false))
        abort ();
      return;
    case JX_IF:
      next = label (j);
      gen_branch (j, c->a, next, false);
      gen_ex (j, c->b, true);
      if (c->c)
        {
          exit = label (j);
          jmp (j, exit);
          bind (j, next);
          gen_ex (j, c->c, true);
          bind (j, exit);
        }
      else
        bind (j, next);
      return;
    case JX_BLOCK:
      for (int i = 0; i < c->nkids; i++)
        gen_ex (j, c->kids[i], true);
      return;
    case JX_WHILE:
    case JX_FOR:
      if (!j->leaf && leaf_x (c))
        gen_leaf (j, c);
      else
        gen_loop (j, c);
      return;
    default:
      break;
    }
  call_node (j, (const void *) c->ex, c);
  if (!use_status)
    return;
  next = label (j);
  emit (j, 0x85);               /* test eax, eax */
  modrr (j, RAX, RAX);
  jcc (j, CC_E, next);
  if (j->brk >= 0)
    {
      emit (j, 0x83);           /* cmp eax, ST_BREAK */
      modrr (j, 7, RAX);
      emit (j, ST_BREAK);
      jcc (j, CC_E, j->brk);
      emit (j, 0x83);           /* cmp eax, ST_CONTINUE */
      modrr (j, 7, RAX);
      emit (j, ST_CONTINUE);
      jcc (j, CC_E, j->cont);
    }
  jmp (j, j->l_exit);
  bind (j, next);
}

/* A while or for loop.  */
static void
gen_loop (jbuf *j, const cnode *c)
{
  int top, next, exit, cond;
  switch (c->jx)
    {
    case JX_WHILE:
      /* The test at the bottom: body, interrupt check, test.  */
      top = label (j);
      next = label (j);
      cond = label (j);
      exit = label (j);
      jmp (j, cond);
      bind (j, top);
      gen_loop_body (j, c->b, exit, next);
      bind (j, next);
      check_interrupt (j);
      bind (j, cond);
      gen_branch (j, c->a, top, true);
      bind (j, exit);
      return;
    case JX_FOR:
      top = label (j);
      next = label (j);
      cond = label (j);
      exit = label (j);
      if (c->a)
        gen_ex (j, c->a, false);
      jmp (j, cond);
      bind (j, top);
      gen_loop_body (j, c->d, exit, next);
      bind (j, next);
      if (c->c)
        gen_ex (j, c->c, false);
      check_interrupt (j);
      bind (j, cond);
      if (c->b)
        gen_branch (j, c->b, top, true);
      else
        jmp (j, top);
      bind (j, exit);
      return;
    default:
      abort ();
    }
}

/* Leaf loops: loops whose every node is translated inline, so that
   nothing they call can see their variables.  Those variables live in
   registers while the loop runs, and go back to their slots when it
   ends, breaks or raises.  */

static bool
leaf_e (const cnode *c)
{
  if (!c || c->opk != OPK_CALL)
    return true;
  switch (c->je)
    {
    case JE_BINOP: case JE_ANDAND: case JE_OROR: case JE_IMPLIES:
    case JE_NOT: case JE_COMPL: case JE_NEG: case JE_CAST: case JE_COND:
      return leaf_e (c->a) && leaf_e (c->b) && leaf_e (c->c);
    case JE_INCDEC:
      return c->a->depth <= 0;
    default:
      return false;
    }
}

static bool
leaf_x (const cnode *c)
{
  if (!c)
    return true;
  switch (c->jx)
    {
    case JX_NOP: case JX_BREAK: case JX_CONTINUE:
    case JX_INC_LOCAL: case JX_INC_GLOBAL:
      return true;
    case JX_EXPR_I: case JX_VAR_LOCAL_I:
      return leaf_e (c->a);
    case JX_ASSIGN_LOCAL_I: case JX_ASSIGN_GLOBAL_I:
      return leaf_e (c->b);
    case JX_IF:
      return leaf_e (c->a) && leaf_x (c->b) && leaf_x (c->c);
    case JX_BLOCK:
      for (int i = 0; i < c->nkids; i++)
        if (!leaf_x (c->kids[i]))
          return false;
      return true;
    case JX_WHILE:
      return leaf_e (c->a) && leaf_x (c->b);
    case JX_FOR:
      return leaf_x (c->a) && leaf_e (c->b) && leaf_x (c->c)
             && leaf_x (c->d);
    default:
      return false;
    }
}

/* Count a use of a variable; T is the type of a value assigned to it.  */
static void
note_var (jbuf *j, bool global, int slot, bool write, const type *t)
{
  promo *p = NULL;
  for (int i = 0; i < j->npv && !p; i++)
    if (j->pv[i].global == global && j->pv[i].slot == slot)
      p = &j->pv[i];
  if (!p)
    {
      if (j->npv == NCAND)
        return;
      p = &j->pv[j->npv++];
      memset (p, 0, sizeof *p);
      p->global = global;
      p->slot = slot;
    }
  p->uses++;
  p->written |= write;
  if (t && p->t && p->t != t)
    p->mixed = true;
  if (t)
    p->t = t;
}

static void
collect_e (jbuf *j, const cnode *c)
{
  if (!c)
    return;
  if (c->opk == OPK_LOCAL || c->opk == OPK_GLOBAL)
    {
      note_var (j, c->opk == OPK_GLOBAL, c->slot, false, NULL);
      return;
    }
  if (c->je == JE_INCDEC)
    {
      note_var (j, c->a->depth < 0, c->a->slot, true, NULL);
      return;
    }
  collect_e (j, c->a);
  collect_e (j, c->b);
  collect_e (j, c->c);
}

static void
collect_x (jbuf *j, const cnode *c)
{
  if (!c)
    return;
  switch (c->jx)
    {
    case JX_EXPR_I:
      collect_e (j, c->a);
      return;
    case JX_VAR_LOCAL_I:
      collect_e (j, c->a);
      note_var (j, false, c->slot, true, c->a->t);
      return;
    case JX_ASSIGN_LOCAL_I:
    case JX_ASSIGN_GLOBAL_I:
      collect_e (j, c->b);
      note_var (j, c->jx == JX_ASSIGN_GLOBAL_I, c->slot, true, c->b->t);
      return;
    case JX_INC_LOCAL:
    case JX_INC_GLOBAL:
      note_var (j, c->jx == JX_INC_GLOBAL, c->slot, true, NULL);
      return;
    case JX_IF:
    case JX_WHILE:
      collect_e (j, c->a);
      collect_x (j, c->b);
      collect_x (j, c->c);
      return;
    case JX_BLOCK:
      for (int i = 0; i < c->nkids; i++)
        collect_x (j, c->kids[i]);
      return;
    case JX_FOR:
      collect_x (j, c->a);
      collect_e (j, c->b);
      collect_x (j, c->c);
      collect_x (j, c->d);
      return;
    default:
      return;
    }
}

static int
by_uses (const void *a, const void *b)
{
  return ((const promo *) b)->uses - ((const promo *) a)->uses;
}

/* Store the registers back in their slots.  */
static void
write_back (jbuf *j)
{
  for (int i = 0; i < j->npv; i++)
    {
      const promo *p = &j->pv[i];
      int base = p->global ? R14 : R13;
      store (j, base, slot_val (p->slot), p->reg);
      if (p->written && p->t)
        {
          movi (j, RDX, (uint64_t) (uintptr_t) p->t);
          store (j, base, slot_type (p->slot), RDX);
        }
      if (p->written && p->global)
        global_written (j, p->slot);
    }
}

static void
gen_leaf (jbuf *j, const cnode *c)
{
  j->npv = 0;
  collect_x (j, c);
  int n = 0;
  for (int i = 0; i < j->npv; i++)
    if (!j->pv[i].mixed)
      j->pv[n++] = j->pv[i];
  qsort (j->pv, (size_t) n, sizeof *j->pv, by_uses);
  j->npv = n < NPROMO ? n : NPROMO;
  for (int i = 0; i < j->npv; i++)
    {
      promo *p = &j->pv[i];
      p->reg = promo_regs[i];
      load (j, p->reg, p->global ? R14 : R13, slot_val (p->slot));
    }
  /* Exceptions store the registers back first.  */
  int outer[3] = { j->l_ovf, j->l_div0, j->l_intr };
  j->l_ovf = label (j);
  j->l_div0 = label (j);
  j->l_intr = label (j);
  int inner[3] = { j->l_ovf, j->l_div0, j->l_intr };
  j->leaf = true;
  gen_loop (j, c);
  j->leaf = false;
  write_back (j);
  int done = label (j);
  jmp (j, done);
  for (int i = 0; i < 3; i++)
    {
      bind (j, inner[i]);
      write_back (j);
      jmp (j, outer[i]);
    }
  bind (j, done);
  j->l_ovf = outer[0];
  j->l_div0 = outer[1];
  j->l_intr = outer[2];
  j->npv = 0;
}

/* Whether C's tree has a loop: the trees worth translating.  */
static bool
has_loop (const cnode *c)
{
  if (!c)
    return false;
  switch (c->jx)
    {
    case JX_WHILE:
    case JX_FOR:
      return true;
    case JX_IF:
      return has_loop (c->b) || has_loop (c->c);
    case JX_BLOCK:
      for (int i = 0; i < c->nkids; i++)
        if (has_loop (c->kids[i]))
          return true;
      return false;
    default:
      return false;
    }
}

static void
stub (jbuf *j, int l, void (*fn) (vm *))
{
  bind (j, l);
  alui (j, ALU_AND, RSP, -16);
  mov (j, RDI, RBX);
  j->depth = 0;
  call (j, (const void *) fn);
  emit (j, 0x0f);               /* ud2 */
  emit (j, 0x0b);
}

/* A chunk of SIZE bytes mapped twice (see the top of the file).  */
static struct jit_chunk *
chunk_new (size_t size)
{
  int fd = memfd_create ("bpoke-jit", MFD_CLOEXEC);
  if (fd < 0)
    return NULL;
  void *rw = MAP_FAILED, *rx = MAP_FAILED;
  if (ftruncate (fd, (off_t) size) == 0)
    {
      rw = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      rx = mmap (NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    }
  close (fd);
  if (rw == MAP_FAILED || rx == MAP_FAILED)
    {
      if (rw != MAP_FAILED)
        munmap (rw, size);
      if (rx != MAP_FAILED)
        munmap (rx, size);
      return NULL;
    }
  struct jit_chunk *ch = xmalloc (sizeof *ch);
  ch->rw = rw;
  ch->rx = rx;
  ch->size = size;
  ch->used = 0;
  return ch;
}

/* Copy N bytes of CODE where they can run.  */
static void *
install (vm *v, const uint8_t *code, size_t n)
{
  enum { CHUNK = 256 * 1024 };
  struct jit_state *js = v->jit;
  size_t need = (n + 63) & ~(size_t) 63;
  struct jit_chunk *ch = js->chunks;
  if (!ch || ch->used + need > ch->size)
    {
      ch = chunk_new (need > CHUNK ? (need + 4095) & ~(size_t) 4095 : CHUNK);
      if (!ch)
        return NULL;
      ch->next = js->chunks;
      js->chunks = ch;
    }
  memcpy (ch->rw + ch->used, code, n);
  void *fn = ch->rx + ch->used;
  ch->used += need;
  js->nfuncs++;
  js->bytes += n;
  return fn;
}

vm_status (*jit_compile (vm *v, const cnode *root)) (vm *, pk_frame *)
{
  if (!has_loop (root))
    return NULL;
  if (!v->jit)
    v->jit = xcalloc (1, sizeof *v->jit);
  if (v->jit->broken)
    return NULL;
  jbuf j;
  memset (&j, 0, sizeof j);
  j.sx_end = SIZE_MAX;
  j.brk = j.cont = -1;
  j.l_exit = label (&j);
  j.l_ovf = label (&j);
  j.l_div0 = label (&j);
  j.l_intr = label (&j);

  /* Prologue: entered with rsp = 8 mod 16, aligned after 5 pushes.  */
  push (&j, RBX);
  push (&j, R12);
  push (&j, R13);
  push (&j, R14);
  push (&j, R15);
  j.depth = 0;
  mov (&j, RBX, RDI);
  mov (&j, R12, RSI);
  load_slots (&j);
  gen_ex (&j, root, true);
  alu (&j, ALU_XOR, RAX, RAX);
  bind (&j, j.l_exit);
  pop (&j, R15);
  pop (&j, R14);
  pop (&j, R13);
  pop (&j, R12);
  pop (&j, RBX);
  emit (&j, 0xc3);
  stub (&j, j.l_ovf, cnode_overflow);
  stub (&j, j.l_div0, cnode_div_by_zero);
  stub (&j, j.l_intr, cnode_interrupted);

  for (int i = 0; i < j.nfix; i++)
    {
      size_t at = j.fix[i].at;
      int64_t d = (int64_t) j.lab[j.fix[i].label] - (int64_t) (at + 4);
      for (int k = 0; k < 4; k++)
        j.b[at + (size_t) k] = (uint8_t) ((uint64_t) d >> (8 * k));
    }
  void *code = install (v, j.b, j.len);
  if (!code)
    v->jit->broken = true;
  free (j.b);
  free (j.lab);
  free (j.fix);
  vm_status (*fn) (vm *, pk_frame *) = NULL;
  /* Object and function pointers: POSIX guarantees the conversion.  */
  memcpy (&fn, &code, sizeof fn);
  return fn;
}

void
jit_free (vm *v)
{
  struct jit_state *js = v->jit;
  if (!js)
    return;
  if (getenv ("BPOKE_JIT_STATS"))
    fprintf (stderr, "jit: %zu functions, %zu bytes\n", js->nfuncs,
             js->bytes);
  while (js->chunks)
    {
      struct jit_chunk *ch = js->chunks;
      js->chunks = ch->next;
      munmap (ch->rw, ch->size);
      munmap (ch->rx, ch->size);
      free (ch);
    }
  free (js);
  v->jit = NULL;
}

#else /* !JIT_X86_64 */

bool
jit_available (void)
{
  return false;
}

vm_status (*jit_compile (vm *v, const struct cnode *root)) (vm *, pk_frame *)
{
  (void) v;
  (void) root;
  return NULL;
}

void
jit_free (vm *v)
{
  (void) v;
}

#endif
