/** PostCSS runs Tailwind 4 through its own plugin; it handles imports and prefixing itself. */
const config = { plugins: { "@tailwindcss/postcss": {} } };

export default config;
