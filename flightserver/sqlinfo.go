package flightserver

import (
	"context"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql/schema_ref"
	pb "github.com/apache/arrow-go/v18/arrow/flight/gen/flight"

	"github.com/ember-sql/ember/planner"
)

// bits is the int32 bitmask of a set of Flight SQL enum values, the form
// SqlInfo uses for sets.
func bits[E ~int32](values ...E) int32 {
	var m int32
	for _, v := range values {
		m |= 1 << v
	}
	return m
}

// The scalar functions by the group JDBC's DatabaseMetaData lists them in;
// only those Ember registers are reported.
var (
	numericFunctions  = []string{"abs", "ceil", "ceiling", "exp", "floor", "ln", "log", "log10", "mod", "pi", "power", "rand", "round", "sign", "sqrt"}
	stringFunctions   = []string{"concat", "length", "lower", "ltrim", "replace", "rtrim", "substr", "substring", "trim", "upper"}
	datetimeFunctions = []string{"current_date", "current_timestamp", "date_trunc", "day", "dayofmonth", "hour", "minute", "month", "now", "quarter", "second", "year"}
	systemFunctions   = []string{"coalesce", "nullif"}
)

// registered keeps the names Ember's planner knows.
func registered(names []string) []string {
	known := planner.FunctionNames()
	var out []string
	for _, n := range names {
		if _, ok := slices.BinarySearch(known, n); ok {
			out = append(out, n)
		}
	}
	return out
}

// registerSQLInfo registers sqlInfo's values with BaseServer, which
// serves them through GetSqlInfo, and returns the ids registered.
func registerSQLInfo(b *flightsql.BaseServer, name, version string) map[uint32]bool {
	ids := map[uint32]bool{}
	for id, v := range sqlInfo(name, version) {
		// Only a value of a type SqlInfo cannot carry is refused; the
		// tests register every value.
		if b.RegisterSqlInfo(id, v) == nil {
			ids[uint32(id)] = true
		}
	}
	return ids
}

// sqlInfoRequest is a GetSqlInfo command for the given ids.
type sqlInfoRequest []uint32

func (r sqlInfoRequest) GetInfo() []uint32 { return r }

// DoGetSqlInfo streams the requested SqlInfo values. BaseServer fails the
// whole request when one id is unknown; clients ask for ids a server may
// not have, so unknown ids are left out instead, as if unanswered.
func (s *service) DoGetSqlInfo(ctx context.Context, cmd flightsql.GetSqlInfo) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	ids := cmd.GetInfo()
	if len(ids) == 0 {
		return s.BaseServer.DoGetSqlInfo(ctx, cmd)
	}
	known := make(sqlInfoRequest, 0, len(ids))
	for _, id := range ids {
		if s.infoIDs[id] {
			known = append(known, id)
		}
	}
	if len(known) == 0 {
		// An empty request would ask BaseServer for every value.
		return s.streamListing(ctx, schema_ref.SqlInfo, func(*array.RecordBuilder) error { return nil })
	}
	return s.BaseServer.DoGetSqlInfo(ctx, known)
}

// sqlInfo is what the server reports through GetSqlInfo: its identity and
// the basics of Ember's SQL (Spark's dialect on PostgreSQL's grammar).
func sqlInfo(name, version string) map[flightsql.SqlInfo]any {
	return map[flightsql.SqlInfo]any{
		flightsql.SqlInfoFlightSqlServerName:         name,
		flightsql.SqlInfoFlightSqlServerVersion:      version,
		flightsql.SqlInfoFlightSqlServerArrowVersion: arrow.PkgVersion,
		flightsql.SqlInfoFlightSqlServerReadOnly:     false,
		flightsql.SqlInfoFlightSqlServerSql:          true,
		flightsql.SqlInfoFlightSqlServerSubstrait:    false,
		flightsql.SqlInfoFlightSqlServerTransaction:  int32(flightsql.SqlTransactionNone),
		// Queries stop when their DoGet stream is cancelled; there is no
		// CancelFlightInfo.
		flightsql.SqlInfoFlightSqlServerCancel:           false,
		flightsql.SqlInfoFlightSqlServerBulkIngestion:    false,
		flightsql.SqlInfoFlightSqlServerStatementTimeout: int32(0),
		flightsql.SqlInfoTransactionsSupported:           false,

		flightsql.SqlInfoDDLCatalog: false,
		flightsql.SqlInfoDDLSchema:  false,
		flightsql.SqlInfoDDLTable:   true,
		// Names resolve without regard to case, quoted or not, as in Spark.
		flightsql.SqlInfoIdentifierCase:       int32(flightsql.SqlCaseSensitivityCaseInsensitive),
		flightsql.SqlInfoQuotedIdentifierCase: int32(flightsql.SqlCaseSensitivityCaseInsensitive),
		flightsql.SqlInfoIdentifierQuoteChar:  `"`,
		flightsql.SqlInfoSearchStringEscape:   string(searchEscape),
		flightsql.SqlInfoExtraNameChars:       "",
		flightsql.SqlInfoSchemaTerm:           "schema",
		flightsql.SqlInfoCatalogTerm:          "catalog",
		flightsql.SqlInfoProcedureTerm:        "",
		flightsql.SqlInfoCatalogAtStart:       false,

		flightsql.SqlInfoAllTablesAreASelectable: true,
		// NULLs come first in ascending order and last in descending.
		flightsql.SqlInfoNullOrdering:                           int32(flightsql.SqlNullOrderingSortLow),
		flightsql.SqlInfoSupportsColumnAliasing:                 true,
		flightsql.SqlInfoNullPlusNullIsNull:                     true,
		flightsql.SqlInfoSupportsTableCorrelationNames:          true,
		flightsql.SqlInfoSupportsDifferentTableCorrelationNames: false,
		flightsql.SqlInfoSupportsExpressionsInOrderBy:           true,
		flightsql.SqlInfoSupportsOrderByUnrelated:               true,
		flightsql.SqlInfoSupportedGroupBy:                       bits(pb.SqlSupportedGroupBy_SQL_GROUP_BY_UNRELATED),
		flightsql.SqlInfoSupportsLikeEscapeClause:               false,
		flightsql.SqlInfoSupportsNonNullableColumns:             true,
		flightsql.SqlInfoSupportedGrammar:                       bits(pb.SupportedSqlGrammar_SQL_MINIMUM_GRAMMAR, pb.SupportedSqlGrammar_SQL_CORE_GRAMMAR),
		flightsql.SqlInfoANSI92SupportedLevel:                   bits(pb.SupportedAnsi92SqlGrammarLevel_ANSI92_ENTRY_SQL),
		flightsql.SqlInfoSupportsIntegrityEnhancementFacility:   false,
		flightsql.SqlInfoOuterJoinsSupportLevel:                 int32(pb.SqlOuterJoinsSupportLevel_SQL_FULL_OUTER_JOINS),
		flightsql.SqlInfoSupportedPositionedCommands:            int32(0),
		flightsql.SqlInfoSelectForUpdateSupported:               false,
		flightsql.SqlInfoStoredProceduresSupported:              false,
		flightsql.SqlInfoSupportedSubqueries: bits(pb.SqlSupportedSubqueries_SQL_SUBQUERIES_IN_COMPARISONS,
			pb.SqlSupportedSubqueries_SQL_SUBQUERIES_IN_EXISTS, pb.SqlSupportedSubqueries_SQL_SUBQUERIES_IN_INS),
		flightsql.SqlInfoCorrelatedSubqueriesSupported: true,
		flightsql.SqlInfoSupportedUnions:               bits(pb.SqlSupportedUnions_SQL_UNION, pb.SqlSupportedUnions_SQL_UNION_ALL),
		flightsql.SqlInfoBatchUpdatesSupported:         true,
		flightsql.SqlInfoSavePointsSupported:           false,
		flightsql.SqlInfoNamedParametersSupported:      false,
		// 0: no limit, or none known.
		flightsql.SqlInfoMaxStatementLen:   int64(0),
		flightsql.SqlInfoMaxColumnNameLen:  int64(0),
		flightsql.SqlInfoMaxTableNameLen:   int64(0),
		flightsql.SqlInfoMaxColumnsInTable: int64(0),

		flightsql.SqlInfoNumericFunctions:  registered(numericFunctions),
		flightsql.SqlInfoStringFunctions:   registered(stringFunctions),
		flightsql.SqlInfoDateTimeFunctions: registered(datetimeFunctions),
		flightsql.SqlInfoSystemFunctions:   registered(systemFunctions),
	}
}
