#!/usr/bin/perl
# scripts/tb/mmdb-write.pl - write a MaxMind DB file from a JSON description,
# with Debian's MaxMind::DB::Writer::Tree (libmaxmind-db-writer-perl).
#
#   mmdb-write.pl INPUT.json OUTPUT.mmdb
#
# INPUT.json:
#   {
#     "database_type": "GeoLite2-Country",
#     "description":   "uptake testbed country database",
#     "build_epoch":   1700000000,             (optional; default: now)
#     "records": [ {"network": "198.51.100.0/28", "data": {...}}, ... ]
#   }
#
# Records are inserted in the order given; where networks overlap the last
# insert wins (merge strategy "none"), so callers list broad networks before
# narrower ones.  The tree is IPv6 with IPv4 aliased into ::/96 (IPv4
# networks are inserted in IPv4 notation), and reserved networks are kept:
# the writer's default would silently drop the documentation prefixes the
# testbed lives in.  Every map key must be in %TYPES below; an unknown key is
# an error rather than a guess.
use strict;
use warnings;

use JSON::PP ();

BEGIN {
    eval { require MaxMind::DB::Writer::Tree; 1 }
        or die "mmdb-write: MaxMind::DB::Writer::Tree is missing "
        . "(Debian package libmaxmind-db-writer-perl; scripts/deps installs it)\n";
}

my %TYPES = (
    # GeoLite2-Country / GeoIP2-Country layout
    continent                      => 'map',
    country                        => 'map',
    registered_country             => 'map',
    represented_country            => 'map',
    names                          => 'map',
    code                           => 'utf8_string',
    iso_code                       => 'utf8_string',
    geoname_id                     => 'uint32',
    is_in_european_union           => 'boolean',
    en                             => 'utf8_string',
    # GeoLite2-ASN layout
    autonomous_system_number       => 'uint32',
    autonomous_system_organization => 'utf8_string',
);

@ARGV == 2 or die "usage: mmdb-write.pl INPUT.json OUTPUT.mmdb\n";
my ( $in, $out ) = @ARGV;

my $spec = do {
    open my $fh, '<:raw', $in or die "mmdb-write: $in: $!\n";
    local $/;
    my $text = <$fh>;
    JSON::PP->new->utf8->decode($text);
};

for my $k (qw(database_type description records)) {
    die "mmdb-write: $in: no \"$k\"\n" unless defined $spec->{$k};
}

my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version               => 6,
    record_size              => 24,
    database_type            => $spec->{database_type},
    languages                => ['en'],
    description              => { en => $spec->{description} },
    alias_ipv6_to_ipv4       => 1,
    remove_reserved_networks => 0,
    merge_strategy           => 'none',
    map_key_type_callback    => sub {
        my $t = $TYPES{ $_[0] };
        die "mmdb-write: no type for map key \"$_[0]\"\n" unless defined $t;
        return $t;
    },
);

# A fixed build time (the world time) makes the metadata reproducible.  The
# writer keeps it in a private attribute; use it only where it exists.
if ( defined $spec->{build_epoch} && $tree->can('_set_build_epoch') ) {
    $tree->_set_build_epoch( int $spec->{build_epoch} );
}

my $n = 0;
for my $r ( @{ $spec->{records} } ) {
    defined $r->{network} && ref $r->{data} eq 'HASH'
        or die "mmdb-write: $in: record $n needs \"network\" and a \"data\" object\n";
    # JSON true/false become MaxMind booleans (plain 1/0).
    _fix_bools( $r->{data} );
    $tree->insert_network( $r->{network}, $r->{data} );
    $n++;
}

my $tmp = "$out.tmp$$";
open my $fh, '>:raw', $tmp or die "mmdb-write: $tmp: $!\n";
$tree->write_tree($fh);
close $fh or die "mmdb-write: $tmp: $!\n";
rename $tmp, $out or die "mmdb-write: rename to $out: $!\n";
exit 0;

sub _fix_bools {
    my $h = shift;
    for my $k ( keys %$h ) {
        my $v = $h->{$k};
        if ( JSON::PP::is_bool($v) ) { $h->{$k} = $v ? 1 : 0 }
        elsif ( ref $v eq 'HASH' )   { _fix_bools($v) }
    }
}
