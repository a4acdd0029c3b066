#!/usr/bin/python3
"""Generates src/sql/mysql/function_catalogue_table.inc from a live MariaDB 10.11.

Usage: /usr/bin/python3 tests/sql/tools/gen_mysql_function_catalogue.py \
           > src/sql/mysql/function_catalogue_table.inc

Policy (docs/classification-mysql.md, "Function catalogue"):
  * A name is a built-in when the server resolves `SELECT name(...)` to its own
    function for some argument count; it is not when every count gives
    ER_SP_DOES_NOT_EXIST (1305) or ER_FUNC_INEXISTENT_NAME_COLLISION (1630):
    the server looked for a stored function of that name in the current
    database, so a user could create one that writes.
  * Every built-in is classified by hand below. The script refuses to run when
    the server has a built-in these lists do not name (a new server version
    cannot slip one in as a read), or when a list names a function the server
    does not have (a MySQL-only name would be a stored function on MariaDB).
  * Candidates are every identifier-like string in the mariadbd binary plus
    CANDIDATES below; a built-in whose name appears in neither is unknown to
    the classifier and therefore not a read.
"""

import os
import re
import subprocess
import sys

import pymysql

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "integration"))
from mariadbserver import MARIADBD, mariadb_server  # noqa: E402

R, W, A = "R", "W", "A"

READ = """
abs acos adddate addtime add_months aes_decrypt aes_encrypt area asbinary ascii asin astext aswkb
aswkt atan atan2 avg benchmark bin binlog_gtid_pos bit_and bit_count bit_length bit_or bit_xor
boundary buffer ceil ceiling centroid char character_length charset char_length chr coalesce
coercibility collation column_add column_check column_create column_delete column_exists
column_get column_json column_list compress concat concat_operator_oracle concat_ws
connection_id contains conv convert_tz convexhull cos cot count crc32 crc32c crosses curdate
current_date current_role current_time current_timestamp current_user curtime database date
datediff date_add date_format date_sub day dayname dayofmonth dayofweek dayofyear decode
decode_histogram decode_oracle degrees des_decrypt des_encrypt dimension disjoint elt encode
encrypt endpoint envelope equals exp export_set exteriorring extractvalue field find_in_set floor
format found_rows from_base64 from_days from_unixtime geomcollfromtext geomcollfromwkb
geometrycollection geometrycollectionfromtext geometrycollectionfromwkb geometryfromtext
geometryfromwkb geometryn geometrytype geomfromtext geomfromwkb glength greatest group_concat hex
hour if ifnull inet6_aton inet6_ntoa inet_aton inet_ntoa instr interiorringn intersects interval
isclosed isempty isnull isring issimple is_free_lock is_ipv4 is_ipv4_compat is_ipv4_mapped
is_ipv6 is_used_lock json_array json_arrayagg json_array_append json_array_insert json_compact
json_contains json_contains_path json_depth json_detailed json_equals json_exists json_extract
json_insert json_keys json_length json_loose json_merge json_merge_patch json_merge_preserve
json_normalize json_object json_objectagg json_overlaps json_pretty json_query json_quote
json_remove json_replace json_search json_set json_type json_unquote json_valid json_value
last_day last_insert_id last_value lcase least left length lengthb linefromtext linefromwkb
linestring linestringfromtext linestringfromwkb ln localtime localtimestamp locate log log10 log2
lower lpad lpad_oracle ltrim ltrim_oracle makedate maketime make_set master_gtid_wait
master_pos_wait max mbrcontains mbrdisjoint mbrequal mbrequals mbrintersects mbroverlaps
mbrtouches mbrwithin md5 microsecond mid min minute mlinefromtext mlinefromwkb mod month
monthname mpointfromtext mpointfromwkb mpolyfromtext mpolyfromwkb multilinestring
multilinestringfromtext multilinestringfromwkb multipoint multipointfromtext multipointfromwkb
multipolygon multipolygonfromtext multipolygonfromwkb name_const natural_sort_key now nullif
numgeometries numinteriorrings numpoints nvl nvl2 oct octet_length old_password ord overlaps
password period_add period_diff pi point pointfromtext pointfromwkb pointn pointonsurface
polyfromtext polyfromwkb polygon polygonfromtext polygonfromwkb pow power quarter quote radians
rand random_bytes regexp_instr regexp_replace regexp_substr repeat replace replace_oracle reverse
right round rownum row_count rpad rpad_oracle rtrim rtrim_oracle schema second sec_to_time
session_user sformat sha sha1 sha2 sign sin sleep soundex space sqrt srid startpoint std stddev
stddev_pop stddev_samp strcmp str_to_date st_area st_asbinary st_asgeojson st_astext st_aswkb
st_aswkt st_boundary st_buffer st_centroid st_contains st_convexhull st_crosses st_difference
st_dimension st_disjoint st_distance st_distance_sphere st_endpoint st_envelope st_equals
st_exteriorring st_geomcollfromtext st_geomcollfromwkb st_geometrycollectionfromtext
st_geometrycollectionfromwkb st_geometryfromtext st_geometryfromwkb st_geometryn
st_geometrytype st_geomfromgeojson st_geomfromtext st_geomfromwkb st_interiorringn
st_intersection st_intersects st_isclosed st_isempty st_isring st_issimple st_length
st_linefromtext st_linefromwkb st_linestringfromtext st_linestringfromwkb st_mlinefromtext
st_mlinefromwkb st_mpointfromtext st_mpointfromwkb st_mpolyfromtext st_mpolyfromwkb
st_multilinestringfromtext st_multilinestringfromwkb st_multipointfromtext
st_multipointfromwkb st_multipolygonfromtext st_multipolygonfromwkb st_numgeometries
st_numinteriorrings st_numpoints st_overlaps st_pointfromtext st_pointfromwkb st_pointn
st_pointonsurface st_polyfromtext st_polyfromwkb st_polygonfromtext st_polygonfromwkb st_relate
st_srid st_startpoint st_symdifference st_touches st_union st_within st_x st_y subdate substr
substring substring_index substr_oracle subtime sum sysdate system_user sys_guid tan time
timediff timestamp time_format time_to_sec touches to_base64 to_char to_days to_seconds trim
truncate ucase uncompress uncompressed_length unhex unix_timestamp updatexml upper user utc_date
utc_time utc_timestamp uuid uuid_short variance var_pop var_samp version week weekday weekofyear
weight_string within wsrep_last_seen_gtid wsrep_last_written_gtid wsrep_sync_wait_upto_gtid x y
year yearweek
lastval
"""

# Built-ins whose every probe is a syntax error (1064): their arguments have
# their own grammar (CAST(x AS t), EXTRACT(u FROM d), window functions need
# OVER, NEXT VALUE/LASTVAL take a sequence name...). Classified as listed.
SPECIAL_SYNTAX = {
    R: """cast convert extract position get_format timestampadd timestampdiff date_add date_sub
        match default column_get insert value values cume_dist dense_rank first_value
        lag lead median nth_value ntile percentile_cont percentile_disc percent_rank rank
        row_number lastval""",
    W: "nextval setval",
}

# Built-ins that act beyond the statement's own result.
WRITE = """get_lock release_lock release_all_locks nextval setval"""
ADMIN = """load_file"""

# Types, in CAST(x AS DECIMAL(10,2)) and CONVERT(x, CHAR(3)): never calls.
TYPES = """bigint bit blob bool boolean datetime dec decimal double enum fixed float int integer
    json mediumint nchar numeric nvarchar real set signed smallint text tinyint unsigned
    varbinary varchar"""

# Keywords the server accepts before a parenthesis that are not functions.
NOT_FUNCTIONS = """distinct distinctrow high_priority not sql_big_result sql_buffer_result
    sql_cache sql_calc_found_rows sql_no_cache sql_small_result sql_tsi_day sql_tsi_hour
    sql_tsi_minute sql_tsi_month sql_tsi_second sql_tsi_year sql_tsi_week sql_tsi_quarter
    straight_join binary character all row unique"""

# JSON_TABLE is a built-in only where a table belongs (FROM, JOIN); called
# anywhere else the server looks for a stored function of that name. The
# classifier reads it in table positions and does not list it here.

# Geometry constructors are grammar rules for some argument counts only;
# other counts resolve to a stored function of the same name.
ARG_LIMITS = {"point": (2, 2), "linestring": (1, 255), "polygon": (1, 255),
              "multipoint": (1, 255), "multilinestring": (1, 255), "multipolygon": (1, 255),
              "geometrycollection": (1, 255)}

# Their first argument names a sequence (a table).
SEQUENCE_ARG = {"nextval", "lastval", "setval"}

# Loadable functions (CREATE FUNCTION ... SONAME) that run shell commands
# (lib_mysqludf_sys): not built-ins, named so that a call is admin, not write.
KNOWN_UDFS = {A: "sys_exec sys_eval sys_bineval sys_get sys_set"}

CANDIDATES = " ".join([READ, WRITE, ADMIN, TYPES, NOT_FUNCTIONS] + list(SPECIAL_SYNTAX.values()))


def words(text):
    return set(text.split())


def probe(cur, name):
    codes = []
    for args in ("()", "(1)", "(1,1)", "('a','b','c')"):
        try:
            cur.execute(f"SELECT {name}{args} FROM (SELECT 1) AS dummy_t WHERE 0")
            cur.fetchall()
            codes.append(0)
        except pymysql.err.MySQLError as e:
            codes.append(e.args[0])
    return codes


def builtins_of_server(m):
    strings = subprocess.run(["strings", "-n", "2", MARIADBD], capture_output=True, text=True,
                             check=True).stdout.split()
    names = {s.lower() for s in strings if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,40}", s)}
    names |= words(CANDIDATES)
    conn = pymysql.connect(host="127.0.0.1", port=m.port, user=m.user, password=m.password,
                           database=m.database, autocommit=True)
    found, syntax_only = set(), set()
    with conn.cursor() as cur:
        for name in sorted(names):
            codes = probe(cur, name)
            if set(codes) <= {1064}:
                syntax_only.add(name)
            elif not set(codes) <= {1305, 1630, 1064}:
                found.add(name)
    conn.close()
    return found, syntax_only


def main():
    special = {c: words(t) for c, t in SPECIAL_SYNTAX.items()}
    special_all = set().union(*special.values())
    listed = {n: R for n in words(READ)}
    listed.update({n: W for n in words(WRITE)})
    listed.update({n: A for n in words(ADMIN)})
    for cls, names in special.items():
        listed.update({n: cls for n in names})
    types, not_functions = words(TYPES), words(NOT_FUNCTIONS)

    with mariadb_server() as m:
        found, syntax_only = builtins_of_server(m)
    unclassified = sorted(found - set(listed) - types - not_functions)
    missing = sorted(n for n in listed if n not in found and n not in special_all)
    bad_special = sorted(special_all - syntax_only - found)
    if unclassified or missing or bad_special:
        sys.exit(f"built-ins not classified: {unclassified}\n"
                 f"listed but not built-ins of this server: {missing}\n"
                 f"special-syntax names the server does not know: {bad_special}")

    for n in types:
        listed.setdefault(n, R)
    for cls, names in KNOWN_UDFS.items():
        for n in words(names):
            listed[n] = cls
    print("// Generated by tests/sql/tools/gen_mysql_function_catalogue.py from MariaDB 10.11;")
    print("// edit the script's lists, not this file. Sorted by name (bytewise).")
    for name in sorted(listed):
        lo, hi = ARG_LIMITS.get(name, (0, 255))
        seq = "true" if name in SEQUENCE_ARG else "false"
        print(f'{{"{name}", {listed[name]}, {lo}, {hi}, {seq}}},')


if __name__ == "__main__":
    main()
