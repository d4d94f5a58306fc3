package dev.layerdiff.compare;

import java.util.regex.Pattern;

/**
 * A shell-style name pattern as {@code --tol} and {@code --skip} take it: {@code *} any run of
 * characters (slashes included), {@code ?} one character, everything else literal; it matches the
 * whole name.
 */
record Glob(String glob, Pattern regex) {

    static Glob of(String glob) {
        StringBuilder re = new StringBuilder();
        for (char ch : glob.toCharArray()) {
            switch (ch) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return new Glob(glob, Pattern.compile(re.toString(), Pattern.DOTALL));
    }

    boolean matches(String name) {
        return regex.matcher(name).matches();
    }
}
