package dev.layerdiff.spark;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The schema and rows of {@code layers.parquet}: {@code pair}, one column per label (integers when every
 * pair's value is an integer, else numbers, booleans, or text), {@code reference}, {@code candidate}, then
 * the {@link LayerColumn}s. A label named like another column is refused before anything runs.
 */
final class LayersTable {
    private static final List<String> PAIR_COLUMNS = List.of("pair", "reference", "candidate");

    private final Map<String, DataType> labels = new LinkedHashMap<>();

    LayersTable(List<ArchivePair> pairs) {
        Set<String> taken = new HashSet<>(PAIR_COLUMNS);
        for (LayerColumn c : LayerColumn.values()) taken.add(c.column);
        Map<String, List<JsonNode>> values = new LinkedHashMap<>();
        for (ArchivePair p : pairs) {
            for (Map.Entry<String, JsonNode> e : p.labels().entrySet()) {
                if (taken.contains(e.getKey())) {
                    throw new IllegalArgumentException("label '" + e.getKey() + "' of pair " + p.input().index()
                            + " is also a column of layers.parquet; rename it");
                }
                values.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
            }
        }
        values.forEach((name, v) -> labels.put(name, typeOf(v)));
    }

    StructType schema() {
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField("pair", DataTypes.IntegerType, false));
        labels.forEach((name, type) -> fields.add(DataTypes.createStructField(name, type, true)));
        fields.add(DataTypes.createStructField("reference", DataTypes.StringType, false));
        fields.add(DataTypes.createStructField("candidate", DataTypes.StringType, false));
        for (LayerColumn c : LayerColumn.values()) fields.add(DataTypes.createStructField(c.column, c.type, true));
        return DataTypes.createStructType(fields);
    }

    /** The rows of one pair's layers, labelled. */
    List<Row> rows(ArchivePair pair, Outcome outcome) {
        List<Object> head = new ArrayList<>();
        head.add(pair.input().index());
        labels.forEach((name, type) -> head.add(convert(pair.labels().get(name), type)));
        head.add(pair.input().reference());
        head.add(pair.input().candidate());
        List<Row> rows = new ArrayList<>(outcome.layers().size());
        for (Object[] layer : outcome.layers()) {
            Object[] row = new Object[head.size() + layer.length];
            for (int i = 0; i < head.size(); i++) row[i] = head.get(i);
            System.arraycopy(layer, 0, row, head.size(), layer.length);
            rows.add(RowFactory.create(row));
        }
        return rows;
    }

    private static DataType typeOf(List<JsonNode> values) {
        boolean integers = true, numbers = true, booleans = true, any = false;
        for (JsonNode v : values) {
            if (v == null || v.isNull()) continue;
            any = true;
            integers &= v.isIntegralNumber() && v.canConvertToLong();
            numbers &= v.isNumber();
            booleans &= v.isBoolean();
        }
        if (!any) return DataTypes.StringType;
        if (integers) return DataTypes.LongType;
        if (numbers) return DataTypes.DoubleType;
        if (booleans) return DataTypes.BooleanType;
        return DataTypes.StringType;
    }

    private static Object convert(JsonNode v, DataType type) {
        if (v == null || v.isNull()) return null;
        if (type == DataTypes.LongType) return v.asLong();
        if (type == DataTypes.DoubleType) return v.asDouble();
        if (type == DataTypes.BooleanType) return v.asBoolean();
        return v.isTextual() ? v.asText() : v.toString();
    }
}
