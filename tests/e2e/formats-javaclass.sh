#!/bin/sh
# formats-javaclass.sh -- `load javaclass' (stdlib/javaclass.bpk) on class
# files compiled at test time by javac (a class with every kind of
# constant: Long, Double, Float, Integer, String, field and method
# references, a lambda's InvokeDynamic, MethodHandle and MethodType; its
# nested enum and interface; a module-info with Module and Package
# constants), checked against javap -v -p:
#   - the versions, the class's flags, this_class, super_class and the
#     counts of interfaces, fields, methods and attributes
#   - every constant of the pool, by slot (but the values of Float and
#     Double, which javap prints in decimal)
#   - each field's and method's descriptor and flags
# An edit the JVM must then accept: a String constant's text changed
# with java_utf8_set (java runs the class and prints the new text).
# Then damaged files: a clear exception each, never a crash or a hang.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/formats-lib.sh"
need_tools javac javap java

cd "$work" || exit 99
mkdir -p classes mod/hello/pkg
cat > Hello.java <<'EOF'
import java.util.function.Supplier;
public class Hello implements Runnable, java.io.Serializable {
    static final long BIG = 1234567890123L;
    static final double PI = 3.14159;
    static final float F = 2.5f;
    static final int N = 100000;
    private transient volatile String name = "world";
    protected static int count;
    public void run() { System.out.println("hello " + name); }
    public static synchronized void main(String[] args) {
        Supplier<String> s = () -> "lambda";
        new Hello().run();
        System.out.println(s.get() + " " + BIG + " " + N);
    }
    private native int nat();
    enum Color { RED, GREEN }
    interface I { void f(); }
}
EOF
cat > mod/hello/module-info.java <<'EOF'
module hello { exports hello.pkg; }
EOF
cat > mod/hello/pkg/P.java <<'EOF'
package hello.pkg;
public class P { }
EOF
javac -d classes Hello.java 2>&1 || { echo "javac failed"; exit 99; }
javac -d modclasses mod/hello/module-info.java mod/hello/pkg/P.java 2>&1 \
  || { echo "javac failed on the module"; exit 99; }
files="classes/Hello.class classes/Hello\$Color.class classes/Hello\$I.class modclasses/module-info.class"

# What javap -v prints, normalised (one space between words, comments
# dropped, module-info's name unquoted): the header lines, the constant
# pool, each member's descriptor and flags.
cat > walk.bpk <<'EOF'
load javaclass;
set_ios (open ("@FILE@", IOS_F_READ));
var c = Java_Class @ 0#B;
/* javap writes control characters as \uXXXX.  */
fun esc = (string s) string:
{
  var r = "";
  for (var i = 0UL; i < s'length; i++)
    r += s[i] < 0x20 ? format ("\\u%u16x", s[i] as uint<16>) : s[i] as string;
  return r;
}
printf ("minor version: %u16d\n", c.minor_version);
printf ("major version: %u16d\n", c.major_version);
printf ("flags: %s\n", c.access_flags.text);
printf ("this_class: #%u16d // %s\n", c.this_class, this_class_name (c));
if (c.super_class != 0)
  printf ("super_class: #%u16d // %s\n", c.super_class, super_class_name (c));
else
  printf ("super_class: #0\n");
printf ("interfaces: %u16d, fields: %u16d, methods: %u16d, attributes: %u16d\n",
        c.interfaces_count, c.fields_count, c.methods_count,
        c.attributes_count);
var slot = 1UL;
for (k in c.constant_pool)
  {
    var tag = java_cp_tag (k);
    var kind = java_constant_names[tag];

    if (tag == JAVA_CONSTANT_Utf8)
      printf ("#%u64d = %s %s\n", slot, kind, esc (k.utf8.value));
    else if (tag == JAVA_CONSTANT_Integer)
      printf ("#%u64d = %s %i32d\n", slot, kind, k.integer.value);
    else if (tag == JAVA_CONSTANT_Long)
      printf ("#%u64d = %s %i64dl\n", slot, kind, k.long.value);
    else if (tag == JAVA_CONSTANT_Class)
      printf ("#%u64d = %s #%u16d\n", slot, kind, k.class.name_index);
    else if (tag == JAVA_CONSTANT_String)
      printf ("#%u64d = %s #%u16d\n", slot, kind, k.str.string_index);
    else if (tag == JAVA_CONSTANT_Fieldref || tag == JAVA_CONSTANT_Methodref
             || tag == JAVA_CONSTANT_InterfaceMethodref)
      printf ("#%u64d = %s #%u16d.#%u16d\n", slot, kind, k.ref.class_index,
              k.ref.name_and_type_index);
    else if (tag == JAVA_CONSTANT_NameAndType)
      printf ("#%u64d = %s #%u16d:#%u16d\n", slot, kind,
              k.name_and_type.name_index, k.name_and_type.descriptor_index);
    else if (tag == JAVA_CONSTANT_MethodHandle)
      printf ("#%u64d = %s %u8d:#%u16d\n", slot, kind,
              k.method_handle.reference_kind, k.method_handle.reference_index);
    else if (tag == JAVA_CONSTANT_MethodType)
      printf ("#%u64d = %s #%u16d\n", slot, kind, k.method_type.descriptor_index);
    else if (tag == JAVA_CONSTANT_Dynamic || tag == JAVA_CONSTANT_InvokeDynamic)
      printf ("#%u64d = %s #%u16d:#%u16d\n", slot, kind,
              k.dynamic.bootstrap_method_attr_index,
              k.dynamic.name_and_type_index);
    else if (tag == JAVA_CONSTANT_Module || tag == JAVA_CONSTANT_Package)
      printf ("#%u64d = %s #%u16d\n", slot, kind, k.module_package.name_index);
    slot += (tag == JAVA_CONSTANT_Long || tag == JAVA_CONSTANT_Double) ? 2 : 1;
  }
for (f in c.fields)
  printf ("descriptor: %s\nflags: %s\n", c.utf8 (f.descriptor_index),
          f.access_flags.text);
for (m in c.methods)
  printf ("descriptor: %s\nflags: %s\n", c.utf8 (m.descriptor_index),
          m.access_flags.text);
EOF

expected ()
{
  javap -v -p "$1" | awk '
    /^Constant pool:/ { pool = 1; next }
    /^\{/ { pool = 0; members = 1; next }
    /^  (minor|major) version:|^  flags:|^  this_class:|^  super_class:|^  interfaces:/ && !pool && !members {
      sub(/^ +/, ""); print; next }
    pool && /^ +#[0-9]+ = / {
      sub(/^ +/, ""); sub(/ +\/\/.*$/, "")
      if ($3 == "Float" || $3 == "Double") next
      print; next }
    members && /^    descriptor: |^    flags: / { sub(/^ +/, ""); print }' \
  | sed 's/  */ /g; s|^this_class: \(#[0-9]*\) // "\(.*\)"$|this_class: \1 // \2|'
}

for f in $files; do
  script_for "$f" walk.bpk
  run_bpoke run.bpk
  if [ $rc -ne 0 ]; then ko "$f: bpoke exited with $rc: $(tail -n 3 out)"; continue; fi
  grep -v '= \(Float\|Double\) ' out | sed 's/  */ /g' > out.cmp
  expected "$f" > exp
  same "$f: versions, flags, classes, counts, constant pool, members" out.cmp exp
done

# Names, for the manual's functions.
cat > names.bpk <<'EOF'
load javaclass;
set_ios (open ("classes/Hello.class", IOS_F_READ));
var c = Java_Class @ 0#B;
printf ("%s %s\n", this_class_name (c), super_class_name (c));
for (n in java_field_names (c)) printf ("%s ", n);
for (n in java_method_names (c)) printf ("%s ", n);
print "\n";
EOF
run_bpoke names.bpk
if [ "$(cat out)" = 'Hello java/lang/Object
BIG PI F N name count <init> run main nat lambda$main$0 ' ]
then ok "this_class_name, super_class_name, field and method names"
else ko "names: $(cat out)"; fi

# java_utf8_set: "world" becomes "WORLD", and java prints it.
mkdir edited
cp classes/*.class edited/
cat > edit.bpk <<'EOF'
load javaclass;
set_ios (open ("edited/Hello.class"));
var c = Java_Class @ 0#B;
for (var s = 1UL; s < c.constant_pool_count; s++)
  try
    {
      if (c.utf8 (s) == "world")
        java_utf8_set (c, s, "WORLD");
    }
  catch
    {
      /* Not a Utf8 constant, or the second slot of a Long.  */
    }
EOF
run_bpoke edit.bpk
got=$(java -cp edited Hello 2>&1)
if [ $rc -eq 0 ] && [ "$got" = "hello WORLD
lambda 1234567890123 100000" ] && javap -v edited/Hello.class >/dev/null
then ok "java_utf8_set: java runs the class and prints hello WORLD"
else ko "java_utf8_set: status $rc $(cat out); java printed: $got"; fi

# Damaged files.
cv='unhandled constraint violation exception'
cat > map.bpk <<'EOF'
load javaclass;
set_ios (open ("@FILE@", IOS_F_READ));
var c = Java_Class @ 0#B;
EOF
printf 'not a class file at all\n' > text.txt
expect_error "a text file" text.txt map.bpk 1 "$cv" \
  "in field Java_Class.magic"
cp classes/Hello.class badtag.class
printf '\002' | dd of=badtag.class bs=1 seek=10 conv=notrunc status=none
expect_error "a constant of tag 2" badtag.class map.bpk 1 "$cv" \
  "javaclass: no constant has tag 2 (at offset 10)"
head -c 200 classes/Hello.class > cut.class
expect_error "the constant pool cut" cut.class map.bpk 1 \
  'unhandled EOF exception' 'javaclass: the constant pool runs past the end'
robustness Hello.class classes/Hello.class walk.bpk
robustness module-info.class modclasses/module-info.class walk.bpk

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
